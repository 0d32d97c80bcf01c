package chainkg;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs a Neo4j 5 Community DBMS with its Bolt connector on 127.0.0.1 only.
 *
 * Arguments: HOME PORT PAGECACHE_BYTES PASSWORD_FILE. The password is read from a file
 * (never the command line, which every local user can see) and set through the system
 * database on every start, so the file is always the truth. Shuts down cleanly on SIGTERM.
 */
public final class Neo4jLauncher {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long pageCache = Long.parseLong(args[2]);
        String password = Files.readString(Path.of(args[3]), StandardCharsets.UTF_8).strip();

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "chainkg-neo4j-shutdown"));
        dbms.database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        System.out.println("chainkg-neo4j ready on 127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();  // until SIGTERM runs the shutdown hook
    }
}
