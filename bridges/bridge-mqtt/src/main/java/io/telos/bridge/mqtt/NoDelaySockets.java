package io.telos.bridge.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories that turn Nagle's algorithm off ({@code TCP_NODELAY}) on every socket they
 * make. A robot link sends small messages at up to 1 kHz in both directions; with Nagle on, a
 * small write waits for the peer's delayed ACK (40 ms on Linux) whenever the previous one is still
 * unacknowledged, which shows up as 40 ms stalls in the state and command streams. Paho leaves the
 * option at the JDK default (off), so the bridge supplies its own factory.
 */
final class NoDelaySockets {
  private NoDelaySockets() {}

  /** For {@code tcp://} brokers. */
  static SocketFactory plain() {
    return new Plain(SocketFactory.getDefault());
  }

  /** Wraps a TLS factory (it must stay an {@link SSLSocketFactory}: Paho checks the type for {@code ssl://}). */
  static SSLSocketFactory tls(SSLSocketFactory inner) {
    return new Tls(inner);
  }

  private static <S extends Socket> S noDelay(S s) throws IOException {
    s.setTcpNoDelay(true);
    return s;
  }

  private static final class Plain extends SocketFactory {
    private final SocketFactory inner;

    Plain(SocketFactory inner) {
      this.inner = inner;
    }

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(inner.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(inner.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(inner.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(inner.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return noDelay(inner.createSocket(address, port, localAddress, localPort));
    }
  }

  private static final class Tls extends SSLSocketFactory {
    private final SSLSocketFactory inner;

    Tls(SSLSocketFactory inner) {
      this.inner = inner;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return inner.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return inner.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(inner.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      noDelay(s);
      return noDelay(inner.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(inner.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(inner.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(inner.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return noDelay(inner.createSocket(address, port, localAddress, localPort));
    }
  }
}
