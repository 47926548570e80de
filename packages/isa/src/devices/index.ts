export { Console } from "./console.js";
export { Disk } from "./disk.js";
