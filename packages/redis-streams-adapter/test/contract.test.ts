// The adapter contract suite (the one every adapter passes) on the streams adapter, with node-redis and ioredis.
import { afterAll, describe } from "vitest";
import { adapterContract } from "@switchboard/adapter/testing";
import { createAdapter } from "@switchboard/redis-streams-adapter";
import { redisForTests } from "../../../test/support/redis.js";
import { testClient, unique, type Lib, type TestClient } from "./helpers.js";

const redis = await redisForTests("@switchboard/redis-streams-adapter contract");

for (const lib of ["redis", "ioredis"] as Lib[]) {
  describe.runIf(redis.problem === undefined)(`streams adapter contract with ${lib}`, () => {
    let client: TestClient | undefined;
    afterAll(async () => {
      await client?.close();
      await redis.close();
    });
    adapterContract(`redis-streams/${lib}`, async (nsp) => {
      client ??= await testClient(lib, redis.url);
      const name = unique("sb-contract");
      return createAdapter(client.client, { streamName: name, channelPrefix: name })(nsp);
    });
  });
}
