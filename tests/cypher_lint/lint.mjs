// Lints Cypher as Neo4j 5, offline. Input on stdin: {"schema": {...}, "queries": {"name": "text"}}.
// Prints {"name": [{"severity", "line", "column", "message"}]} and exits 1 when any query has a problem.
import { lintCypherQuery, testData, isNotParamError } from '@neo4j-cypher/language-support';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
}));

// Neo4j 5's built-in functions and procedures come from the package's own test data;
// labels, relationship types and property keys from the product's schema file.
const dbSchema = {
  functions: testData.mockSchema.functions,
  procedures: testData.mockSchema.procedures,
  labels: input.schema.labels,
  relationshipTypes: input.schema.relationshipTypes,
  propertyKeys: input.schema.propertyKeys,
  defaultLanguage: 'CYPHER 5',
};

const report = {};
let failed = false;
for (const [name, text] of Object.entries(input.queries)) {
  const problems = lintCypherQuery(text, dbSchema).diagnostics
    .filter(isNotParamError)
    .map((d) => ({ severity: d.severity === 1 ? 'error' : 'warning', line: d.range.start.line + 1,
                   column: d.range.start.character + 1, message: d.message }));
  report[name] = problems;
  // Warnings count too: an unknown label or property is a typo against the schema.
  failed ||= problems.length > 0;
}
console.log(JSON.stringify(report, null, 1));
process.exit(failed ? 1 : 0);
