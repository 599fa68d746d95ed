// Reads an MCAP file with the MCAP project's own reader (@mcap/core) and decodes the ROS 2 CDR
// messages with Foxglove's @foxglove/rosmsg + @foxglove/rosmsg2-serialization; prints JSON.
// Independent of the Java writer under test. Modules come from NODE_PATH.
const fs = require("fs");
const { McapStreamReader } = require("@mcap/core");
const { parse } = require("@foxglove/rosmsg");
const { MessageReader } = require("@foxglove/rosmsg2-serialization");
const { crc32 } = require("@foxglove/crc");

const bytes = new Uint8Array(fs.readFileSync(process.argv[2]));
const reader = new McapStreamReader();
reader.append(bytes);
const out = { header: null, schemas: [], channels: [], metadata: [], messages: [], dataEnd: null, done: false };
const schemas = new Map();
const channels = new Map();
for (let r; (r = reader.nextRecord()); ) {
  switch (r.type) {
    case "Header":
      out.header = { profile: r.profile, library: r.library };
      break;
    case "Schema":
      schemas.set(r.id, r);
      out.schemas.push({ id: r.id, name: r.name, encoding: r.encoding,
        data: Buffer.from(r.data).toString("utf8") });
      break;
    case "Channel": {
      const s = schemas.get(r.schemaId);
      channels.set(r.id, { topic: r.topic,
        reader: new MessageReader(parse(Buffer.from(s.data).toString("utf8"), { ros2: true })) });
      out.channels.push({ id: r.id, schemaId: r.schemaId, topic: r.topic, encoding: r.messageEncoding });
      break;
    }
    case "Metadata":
      out.metadata.push({ name: r.name, values: Object.fromEntries(r.metadata) });
      break;
    case "Message": {
      const c = channels.get(r.channelId);
      const m = c.reader.readMessage(r.data);
      out.messages.push({ topic: c.topic, sequence: r.sequence, logTime: r.logTime.toString(),
        publishTime: r.publishTime.toString(), message: m });
      break;
    }
    case "DataEnd":
      out.dataEnd = r.dataSectionCrc;
      break;
  }
}
out.done = reader.done();
// Data End is followed by Footer (9 + 20 bytes) and the magic (8): its own record is 9 + 4 bytes.
const dataEndAt = bytes.length - 8 - 29 - 13;
out.crcOfDataSection = crc32(bytes.subarray(0, dataEndAt));
process.stdout.write(JSON.stringify(out, (k, v) =>
  typeof v === "bigint" ? v.toString() : ArrayBuffer.isView(v) ? Array.from(v) : v));
