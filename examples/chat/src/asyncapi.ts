// Prints the chat's AsyncAPI 3.0 document (`npm run asyncapi -w examples/chat`), made from its contract.
import { chatAsyncAPI } from "./asyncapi-doc.js";

const doc = chatAsyncAPI({
  local: { host: "localhost:3000", protocol: "ws", pathname: "/socket.io/" },
});
process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
