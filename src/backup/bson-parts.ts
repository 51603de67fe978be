/**
 * Documents ↔ concatenated BSON (mongodump's `.bson`): each document is its own length-prefixed
 * BSON, so parts can be cut between any two documents and read back one by one. Values stay raw
 * (an Int32 stays an Int32, a Long a Long, a Decimal128 a Decimal128).
 */
import mongoose from 'mongoose';

const { BSON } = mongoose.mongo;

export const RAW = { promoteValues: false, promoteBuffers: false, promoteLongs: false, bsonRegExp: true } as const;

export function serialize(doc: object): Buffer {
  return Buffer.from(BSON.serialize(doc as Record<string, unknown>));
}

/** Splits concatenated BSON into documents; throws on a torn document (the checksum would already have). */
export function* documents(buf: Buffer): Generator<Record<string, unknown>> {
  let at = 0;
  while (at < buf.length) {
    if (at + 4 > buf.length) throw new Error('truncated BSON');
    const len = buf.readInt32LE(at);
    if (len < 5 || at + len > buf.length) throw new Error('truncated BSON');
    yield BSON.deserialize(buf.subarray(at, at + len), RAW) as Record<string, unknown>;
    at += len;
  }
}

export function countDocuments(buf: Buffer): number {
  let n = 0;
  for (let at = 0; at < buf.length; n++) {
    const len = buf.readInt32LE(at);
    if (len < 5) throw new Error('bad BSON length');
    at += len;
  }
  return n;
}
