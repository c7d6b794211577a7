// Backpressure over long-polling (issue #18): a client that stops polling (backpressure-cases.ts).
import { afterEach } from "vitest";
import { backpressureSuite } from "./backpressure-cases.js";
import { closeAll } from "./helpers.js";

afterEach(closeAll);

backpressureSuite("polling");
