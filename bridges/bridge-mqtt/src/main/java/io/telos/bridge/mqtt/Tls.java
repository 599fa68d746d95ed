package io.telos.bridge.mqtt;

import io.telos.api.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds a TLS socket factory from PEM files, as Mosquitto's {@code cafile}/{@code certfile}/{@code keyfile}. */
final class Tls {
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final char[] NO_PASSWORD = new char[0];

  private Tls() {}

  /**
   * @param path settings path for messages (e.g. {@code bridge})
   * @param ca trusted CA certificates (PEM), or null for the JVM's trust store
   * @param cert client certificate chain (PEM), or null
   * @param key the client certificate's private key (PEM), or null
   * @throws ConfigException naming the key of the file that cannot be used
   */
  static SSLSocketFactory socketFactory(String path, Path ca, Path cert, Path key) {
    try {
      TrustManagerFactory tmf = null;
      if (ca != null) {
        Collection<? extends Certificate> cas = certificates(path + "." + MqttConfig.CA_FILE, ca);
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        int i = 0;
        for (Certificate c : cas) {
          ts.setCertificateEntry("ca-" + i++, c);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
      }
      KeyManagerFactory kmf = null;
      if (cert != null && key != null) {
        Certificate[] chain = certificates(path + "." + MqttConfig.CERT_FILE, cert).toArray(new Certificate[0]);
        PrivateKey pk = privateKey(path + "." + MqttConfig.KEY_FILE, key);
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setKeyEntry("client", pk, NO_PASSWORD, chain);
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, NO_PASSWORD);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException(path + ": cannot set up TLS: " + e.getMessage());
    }
  }

  private static Collection<? extends Certificate> certificates(String key, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new ConfigException(key + ": no certificate in '" + file + "'");
      }
      return certs;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(key + ": cannot read certificates from '" + file + "' (PEM expected): "
          + e.getMessage());
    }
  }

  private static PrivateKey privateKey(String key, Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(key + ": cannot read '" + file + "': " + e.getMessage());
    }
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).trim());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ": bad base64 in '" + file + "'");
      }
      switch (type) {
        case "PRIVATE KEY" -> {
          return pkcs8(key, file, der);
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(key, file, rsaPkcs1ToPkcs8(der));
        }
        case "ENCRYPTED PRIVATE KEY" -> throw new ConfigException(key + ": '" + file
            + "' is encrypted; give an unencrypted key (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
        case "EC PRIVATE KEY" -> throw new ConfigException(key + ": '" + file
            + "' is a SEC1 EC key; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
        default -> {
          // skip other blocks (e.g. EC PARAMETERS)
        }
      }
    }
    throw new ConfigException(key + ": no private key in '" + file
        + "' (PEM 'PRIVATE KEY' or 'RSA PRIVATE KEY' expected)");
  }

  private static PrivateKey pkcs8(String key, Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new ConfigException(key + ": '" + file + "' holds no RSA, EC or EdDSA private key");
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
  static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01,
        0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(version);
    body.writeBytes(algId);
    body.writeBytes(octets);
    return der(0x30, body.toByteArray());
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((n >>> (8 * i)) & 0xff);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
