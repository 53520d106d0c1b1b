package io.gearbox.asr.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made at run time by the JDK's
 * {@code keytool} (so no key or certificate is committed): a PKCS#12 key store holding the key and certificate
 * (for a Spring Boot {@code spring.ssl.bundle.jks.*} bundle) and the certificate alone as PEM (for clients to
 * trust, e.g. with {@code NODE_EXTRA_CA_CERTS}).
 *
 * @param keyStore the PKCS#12 key store, alias {@link #ALIAS}, password {@link #PASSWORD}
 * @param certificate the certificate, PEM
 */
public record SelfSignedCertificate(Path keyStore, Path certificate) {

    public static final String ALIAS = "server";

    /** The key store's and the key's password: a test secret, made and thrown away with the certificate. */
    public static final String PASSWORD = "changeit";

    /**
     * @param directory where to write {@code server.p12} and {@code server.pem}
     * @return the certificate, valid for two days
     */
    public static SelfSignedCertificate create(Path directory) {
        Path keyStore = directory.resolve("server.p12");
        Path certificate = directory.resolve("server.pem");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg",
                "SHA256withECDSA", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());
        return new SelfSignedCertificate(keyStore, certificate);
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while keytool ran", ex);
        }
    }

}
