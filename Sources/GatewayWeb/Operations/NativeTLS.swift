import Foundation
import HummingbirdTLS
import NIOSSL

/// Native TLS (`serve --tls-cert PEM --tls-key PEM`): the certificate chain and its key are read
/// and tried before the server listens, so a wrong file stops the start with a clear sentence
/// (exit 78) instead of failing on the first connection.
public enum NativeTLS {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// A server configuration with TLS 1.2 at least (NIOSSL's default minimum is TLS 1.0).
    public static func configuration(certificate: String, key: String) throws(Failure) -> TLSConfiguration {
        guard FileManager.default.isReadableFile(atPath: certificate) else {
            throw Failure("cannot read the TLS certificate \(certificate) (--tls-cert)")
        }
        guard FileManager.default.isReadableFile(atPath: key) else {
            throw Failure("cannot read the TLS private key \(key) (--tls-key)")
        }
        // Whoever can read the key can impersonate the gateway; group access is left to the deployment (ssl-cert).
        // The file's own mode, not a symlink's (certbot links live/ to archive/).
        let resolved = URL(fileURLWithPath: key).resolvingSymlinksInPath().path
        if let mode = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.posixPermissions] as? Int, mode & 0o007 != 0 {
            throw Failure("the TLS private key \(key) is accessible to every user (mode \(String(mode, radix: 8))); chmod o-rwx it")
        }
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw Failure("\(certificate) holds no PEM certificate (--tls-cert)")
        }
        guard !chain.isEmpty else { throw Failure("\(certificate) holds no PEM certificate (--tls-cert)") }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw Failure("\(key) holds no PEM private key, or one protected by a passphrase (--tls-key)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        // BoringSSL refuses a key that is not the leaf certificate's when the context is built.
        do { _ = try NIOSSLContext(configuration: configuration) } catch {
            throw Failure("the TLS private key \(key) does not belong to the certificate \(certificate), or cannot be used with it")
        }
        return configuration
    }
}
