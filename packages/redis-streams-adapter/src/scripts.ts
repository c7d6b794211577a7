// The two Lua scripts of the per-room replay index (docs/protocol.md §5.3 for the stream itself).
//
// Switchboard nodes append every stream entry through APPEND: it XADDs the entry exactly as the official adapter
// does and, for a recoverable broadcast, adds the entry id to one small index stream per target room (or to the
// namespace's "all" index when no room is targeted). A recovery then reads the index of the session's own rooms
// instead of every entry since its offset. Entries written by other writers (official nodes, emitters) are not
// indexed: APPEND notices them (the stream's tip is not the last id it wrote) and records the newest foreign
// broadcast id in a meta hash; PROBE tells a recovery whether such an entry may lie after its offset, in which case it
// falls back to a full range read. Every key shares the stream's hash slot (see `keyPrefix`), so both scripts run
// on Redis Cluster.
import { script, type Script } from "./client.js";

/** Scans the foreign entries in (last, top]: the id of the newest broadcast among them, or the tip if too many. */
const SCAN_FOREIGN = `
local function scanForeign(stream, last, top, limit)
  local from = '-'
  if last then from = '(' .. last end
  local scan = redis.call('XRANGE', stream, from, top, 'COUNT', limit)
  if #scan >= limit then return top end
  local mark = false
  for _, e in ipairs(scan) do
    local f = e[2]
    for i = 1, #f, 2 do
      if f[i] == 'type' and f[i + 1] == '3' then mark = e[1] end
    end
  end
  return mark
end
`;

/**
 * KEYS: stream, meta, index keys…; ARGV: maxLen, index TTL (ms), scan limit, index maxLen, then the entry's fields.
 * Returns the new entry id. An index is trimmed well after the stream (its maxLen is larger), so an entry the stream
 * still holds is never missing from its index.
 */
export const APPEND: Script = script(`${SCAN_FOREIGN}
local stream, meta = KEYS[1], KEYS[2]
local limit = tonumber(ARGV[3])
local last = redis.call('HGET', meta, 'last')
local top = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
if top and top[1] ~= last then
  local mark = scanForeign(stream, last, top[1], limit)
  if mark then redis.call('HSET', meta, 'foreign', mark) end
end
local id = redis.call('XADD', stream, 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 5))
redis.call('HSET', meta, 'last', id)
for i = 3, #KEYS do
  redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[4], id, 'i', '1')
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return id
`);

/**
 * KEYS: stream, meta; ARGV: offset, scan limit.
 * Returns [first id, tip id, whether the offset entry exists (0/1), newest recorded foreign broadcast, newest foreign
 * broadcast after our last write] ('' for none).
 */
export const PROBE: Script = script(`${SCAN_FOREIGN}
local stream, meta = KEYS[1], KEYS[2]
local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
local top = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
local exists = #redis.call('XRANGE', stream, ARGV[1], ARGV[1])
local last = redis.call('HGET', meta, 'last')
local foreign = redis.call('HGET', meta, 'foreign') or ''
local tail = ''
if top and top[1] ~= last then tail = scanForeign(stream, last, top[1], tonumber(ARGV[2])) or '' end
return {first and first[1] or '', top and top[1] or '', exists, foreign, tail}
`);

/** @internal The prefix of the index keys of `stream`: in the stream's hash slot. */
export function keyPrefix(stream: string): string {
  // A key with a non-empty {tag} hashes by the first such tag: reuse the stream's own tag when it has one.
  const open = stream.indexOf("{");
  const close = open === -1 ? -1 : stream.indexOf("}", open + 1);
  if (open !== -1 && close > open + 1) return `${stream}:sb:`;
  return `{${stream}}:sb:`;
}

/** @internal The keys of the replay index of one stream and namespace. */
export interface IndexKeys {
  meta: string;
  room(room: string): string;
  all: string;
}

/** @internal */
export function indexKeys(stream: string, nsp: string): IndexKeys {
  const prefix = keyPrefix(stream);
  return {
    meta: `${prefix}meta`,
    // The namespace's length keeps `/a` + `b:c` apart from `/a:b` + `c`.
    room: (room) => `${prefix}r:${nsp.length}:${nsp}:${room}`,
    all: `${prefix}a:${nsp}`,
  };
}
