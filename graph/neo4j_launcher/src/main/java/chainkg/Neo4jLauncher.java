package chainkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.server.security.FormatException;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;

/**
 * Runs a Neo4j 5 Community DBMS with its Bolt connector on 127.0.0.1 only.
 *
 * Arguments: HOME PORT PAGECACHE_BYTES PASSWORD_FILE [BROWSER_PORT]. The password is read
 * from a file (never the command line, which every local user can see) and, at every start
 * where the system database holds another, set there: the file is always the truth. With BROWSER_PORT,
 * Neo4j Browser's static files (from the neo4j-browser jar) are served on 127.0.0.1 too:
 * an embedded DBMS has no HTTP server of its own. The file HOME/ready holds this
 * process's pid once the server answers with that password: polling before would count
 * as failed sign-ins and lock the user out. Shuts down cleanly on SIGTERM.
 */
public final class Neo4jLauncher {
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {  // the DBMS's own threads would keep a failed server alive
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long pageCache = Long.parseLong(args[2]);
        String password = Files.readString(Path.of(args[3]), StandardCharsets.UTF_8).strip();
        int browserPort = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        Path ready = home.resolve("ready");
        String pid = Long.toString(ProcessHandle.current().pid());

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                // Bolt's event loops close after the databases have stopped; their default
                // quiet period of 5 s each made every stop take 10 s more than it needs
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (Files.exists(ready) && Files.readString(ready).strip().equals(pid)) {
                    Files.delete(ready);
                }
            } catch (IOException e) {
                // a stale file names another pid: never taken for this server's
            }
            dbms.shutdown();
        }, "chainkg-neo4j-shutdown"));
        if (!passwordIsSet(dbms, password)) {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        }
        Files.writeString(ready, pid);
        if (browserPort > 0) {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", browserPort), 0);
            http.createContext("/", Neo4jLauncher::serveBrowser);
            http.start();
        }
        System.out.println("chainkg-neo4j ready on 127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();  // until SIGTERM runs the shutdown hook
    }

    /**
     * Whether user neo4j already has PASSWORD and need not change it. Read from the system
     * database's user node with the core API: the Cypher command that sets a password costs
     * seconds in a JVM that has not compiled Cypher yet. A node this reading does not
     * understand (another Neo4j version) counts as not set: the command then sets it.
     */
    private static boolean passwordIsSet(DatabaseManagementService dbms, String password) {
        try (Transaction tx = dbms.database("system").beginTx()) {
            Node user = tx.findNode(Label.label("User"), "name", "neo4j");
            return user != null && Boolean.FALSE.equals(user.getProperty("passwordChangeRequired", null))
                    && SystemGraphCredential.deserialize((String) user.getProperty("credentials"), new SecureHasher())
                            .matchesPassword(password.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException | FormatException e) {
            return false;
        }
    }

    /** A file of Neo4j Browser from the classpath (browser/...); index.html for "/". */
    private static void serveBrowser(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/")) {
            path += "index.html";
        }
        InputStream file = path.contains("..") ? null
                : Neo4jLauncher.class.getClassLoader().getResourceAsStream("browser" + path);
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            if (file == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String type = URLConnection.guessContentTypeFromName(path);
            exchange.getResponseHeaders().set("Content-Type",
                    path.endsWith(".js") ? "text/javascript" : path.endsWith(".css") ? "text/css"
                    : type != null ? type : "application/octet-stream");
            exchange.sendResponseHeaders(200, 0);
            try (file) {
                file.transferTo(out);
            }
        }
    }
}
