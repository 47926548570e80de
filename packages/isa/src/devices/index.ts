export { Console } from "./console.js";
export { Disk, DEFAULT_DISK_SECTORS } from "./disk.js";
