/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, a cloud provider's object store), chosen
 * by `BINA_STORAGE=s3` (ADR 0064). Keys are the store's keys under an optional prefix, so one
 * bucket can hold several sites. The same invariants as the local store hold:
 * - a put is whole or absent: a single PutObject, or a multipart upload that S3 only shows once
 *   it completes (a stream that fails midway, e.g. cut off at a size limit, aborts the upload);
 * - a read is streamed (never buffered whole), optionally one byte range (video seeking);
 * - credentials come from Bina's configuration only, never from the AWS SDK's own search
 *   (~/.aws, instance metadata), so what runs is what the operator configured.
 */
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Errors } from '../kernel/errors';
import { assertKey, type ByteRange, type FileStat, type PutOptions, type Storage } from './storage';

export interface S3StorageOptions {
  /** e.g. `https://s3.example.go.id` or `http://127.0.0.1:9000`; AWS's own endpoint when absent. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (MinIO and most self-hosted stores). */
  forcePathStyle: boolean;
  /** Prepended to every key (`bina/` → `bina/activity-lesson/…`); empty for the whole bucket. */
  prefix?: string;
}

/** Streams of unknown length go up in parts of this size (S3's minimum part is 5 MiB). */
const PART_SIZE = 8 * 1024 * 1024;

const notFound = (e: unknown) =>
  e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404);

export class S3Storage implements Storage {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(opts: S3StorageOptions) {
    this.bucket = opts.bucket;
    this.prefix = opts.prefix ? `${opts.prefix.replace(/\/+$/, '')}/` : '';
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      // Checksums only where S3 requires them: several S3-compatible stores refuse the SDK's
      // default CRC32 trailers on streamed uploads.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  private objectKey(key: string): string {
    return this.prefix + assertKey(key);
  }

  /** Start-up check: the bucket exists and these credentials reach it. */
  async verify(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async put(key: string, data: Buffer | Readable, opts: PutOptions = {}): Promise<FileStat> {
    const Key = this.objectKey(key);
    if (Buffer.isBuffer(data)) {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: data, ContentLength: data.length, ContentType: opts.contentType }));
    } else {
      // lib-storage sends a stream that fits in one part as one PutObject, a longer one as a
      // multipart upload; on a failing stream it aborts the upload, so nothing is left behind.
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key, Body: data, ContentType: opts.contentType },
        partSize: PART_SIZE,
        queueSize: 2,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (e) {
        data.destroy();
        throw e;
      }
    }
    const s = await this.stat(key);
    if (!s) throw new Error(`The stored file ${key} cannot be found right after it was written`);
    return s;
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      // In Node the body is an IncomingMessage: a Readable that streams from the socket.
      return r.Body as Readable;
    } catch (e) {
      if (notFound(e)) throw Errors.notFound('File not found', { details: { key } });
      throw e;
    }
  }

  async stat(key: string): Promise<FileStat | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { key, size: r.ContentLength ?? 0, modifiedAt: r.LastModified ?? new Date(0) };
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<boolean> {
    // S3 answers a delete the same whether or not the object was there; the interface says which.
    if (!(await this.stat(key))) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    return true;
  }

  async *list(prefix = ''): AsyncIterable<FileStat> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken }),
      );
      // S3 lists keys in byte order, which is the local store's order for the ASCII keys we allow.
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        yield { key: o.Key.slice(this.prefix.length), size: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  close(): void {
    this.client.destroy();
  }
}
