import Crypto
import Foundation

public enum SealedStreamError: Error, Equatable {
    /// Wrong key, damaged or truncated file, chunks moved, or a file sealed for another period or store.
    case cannotOpen
    case io(String)
}

/// Seals a file of any size in 1 MiB chunks with AES-256-GCM (a backup of a store). Each chunk's
/// associated data names the purpose (period and store), its index and whether it is the last, so
/// a chunk moved, dropped, or a file cut short or sealed for another store fails to open.
/// swift-crypto has no streaming AEAD; this is the usual chunked construction (as in age or Tink).
public enum SealedStream {
    static let magic = Data("anongate-sealed-stream-v1\n".utf8)
    static let chunkSize = 1 << 20

    public static func seal(file source: String, to destination: String, key: KeyMaterial, purpose: String) throws(SealedStreamError) {
        guard let input = FileHandle(forReadingAtPath: source) else { throw .io("cannot read \(source)") }
        defer { try? input.close() }   // closing a read handle cannot lose data
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: destination) else { throw .io("cannot create \(destination)") }
        do {
            try output.write(contentsOf: magic)
            var index: UInt64 = 0
            var chunk = try input.read(upToCount: chunkSize) ?? Data()
            while true {
                let next = try input.read(upToCount: chunkSize) ?? Data()
                let last = next.isEmpty
                let box = try AES.GCM.seal(chunk, using: key.key, authenticating: associatedData(purpose, index, last))
                let combined = box.combined!
                var length = UInt32(combined.count).bigEndian
                try output.write(contentsOf: Data(bytes: &length, count: 4))
                try output.write(contentsOf: combined)
                if last { break }
                chunk = next
                index += 1
            }
            try output.synchronize()
            try output.close()
        } catch {
            throw .io("cannot write \(destination): \(error)")
        }
    }

    public static func open(file source: String, to destination: String, key: KeyMaterial, purpose: String) throws(SealedStreamError) {
        guard let input = FileHandle(forReadingAtPath: source) else { throw .io("cannot read \(source)") }
        defer { try? input.close() }   // closing a read handle cannot lose data
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: destination) else { throw .io("cannot create \(destination)") }
        var failure: SealedStreamError?
        do {
            guard try input.read(upToCount: magic.count) == magic else { throw SealedStreamError.cannotOpen }
            var index: UInt64 = 0
            while true {
                guard let header = try input.read(upToCount: 4), header.count == 4 else { throw SealedStreamError.cannotOpen }
                let length = Int(header.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                guard length >= 28, length <= chunkSize + 28, let combined = try input.read(upToCount: length), combined.count == length else {
                    throw SealedStreamError.cannotOpen
                }
                let box = try AES.GCM.SealedBox(combined: combined)
                let afterThis = try input.read(upToCount: 1) ?? Data()
                let last = afterThis.isEmpty
                let plain: Data
                do { plain = try AES.GCM.open(box, using: key.key, authenticating: associatedData(purpose, index, last)) } catch {
                    throw SealedStreamError.cannotOpen
                }
                try output.write(contentsOf: plain)
                if last { break }
                try input.seek(toOffset: try input.offset() - 1)
                index += 1
            }
            try output.synchronize()
        } catch let error as SealedStreamError {
            failure = error
        } catch is CryptoKitError {
            failure = .cannotOpen
        } catch {
            failure = .io("\(error)")
        }
        try? output.close()   // the result is decided above; a failed close of a file about to be removed changes nothing
        if let failure {
            unlink(destination)
            throw failure
        }
    }

    static func associatedData(_ purpose: String, _ index: UInt64, _ last: Bool) -> Data {
        Data("anongate/sealed-stream/v1|\(purpose)|\(index)|\(last ? "last" : "more")".utf8)
    }
}
