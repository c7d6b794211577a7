export { protocol } from "@switchboard/engine-parser";
