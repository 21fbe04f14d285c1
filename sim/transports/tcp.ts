// The simulator over TCP: one client at a time is the host end of the UART (e.g. a remote driver
// or `socat pty,link=/tmp/ec20 tcp:localhost:PORT`). A new client replaces the old one.
import { createServer, type Socket } from "node:net";
import type { Modem } from "../modem";

export interface TcpAttachment {
  port: number;
  close(): Promise<void>;
}

export function listenTcp(modem: Modem, port = 0, host = "127.0.0.1"): Promise<TcpAttachment> {
  let client: Socket | undefined;
  const server = createServer((socket) => {
    client?.destroy();
    client = socket;
    modem.uart.hostBaud = "follow";
    modem.uart.toHost.deliver = (bytes) => {
      if (client === socket && !socket.destroyed) socket.write(bytes);
    };
    socket.on("data", (chunk) => modem.fromHost(new Uint8Array(chunk)));
    socket.on("error", () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            client?.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
