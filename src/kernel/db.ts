/**
 * The MongoDB connection (mongoose). One connection per kernel, so tests can run several kernels
 * against separate databases in one process. Queries must stay within what FerretDB 1.x supports
 * (docs/adr/0001): single-document atomic updates, no transactions, no $lookup/$facet.
 */
import mongoose, { type Connection } from 'mongoose';

export async function connectDatabase(uri: string, maxPoolSize = 10): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize,
    // Index builds are explicit in start() (plugins' `start`), never implicit on first use.
    autoIndex: false,
    autoCreate: true,
  });
  await conn.asPromise();
  return conn;
}

export async function pingDatabase(conn: Connection): Promise<boolean> {
  try {
    await conn.db?.admin().ping();
    return true;
  } catch {
    return false;
  }
}
