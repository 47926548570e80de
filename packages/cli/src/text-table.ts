// The `table` package (CommonJS) re-exported from an ES module, so that a command can
// import it when it runs: a bundled dynamic import of CommonJS gives only its default.
export { table } from "table";
