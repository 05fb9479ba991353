/**
 * A TCP proxy in front of the test PostgreSQL that the tests control: cutting every connection looks to the
 * destination like a server restart, refusing new ones like a server that is down. The machine's server itself is
 * never stopped.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export class TcpProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<[Socket, Socket]>();
  port = 0;
  /** Bytes sent from clients to the server since the last {@link TcpProxy.cutAfterBytes}. */
  private sentBytes = 0;
  private cutAt: number | undefined;
  /** How many times a cut happened. */
  cuts = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts listening (on a fresh port the first time, on the same port after {@link TcpProxy.refuse}). */
  async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (typeof address === 'object' && address !== null) this.port = address.port;
    this.server = server;
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('data', (chunk: Buffer) => {
      this.sentBytes += chunk.length;
      if (this.cutAt !== undefined && this.sentBytes >= this.cutAt) {
        this.cutAt = undefined;
        this.cut();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
  }

  /** Drops every open connection at once (a server restart, as the client sees it). */
  cut(): void {
    this.cuts++;
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Cuts every connection once clients have sent `bytes` more bytes (e.g. in the middle of a COPY). */
  cutAfterBytes(bytes: number): void {
    this.sentBytes = 0;
    this.cutAt = bytes;
  }

  /** Stops accepting (connection refused) and drops every connection: the server is down. */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cut();
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }

  async close(): Promise<void> {
    await this.refuse();
  }
}
