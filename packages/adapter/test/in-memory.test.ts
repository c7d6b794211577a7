import { Adapter, SessionAwareAdapter } from "@switchboard/adapter";
import { adapterContract } from "@switchboard/adapter/testing";

adapterContract("in-memory", (nsp) => new Adapter(nsp));
adapterContract("session-aware in-memory", (nsp) => new SessionAwareAdapter(nsp), {
  sessionAware: true,
});
