import Foundation
import GatewayCore

/// One stored access-log row as read back, trusting nothing: any column may have been edited.
public struct AuditRow: Sendable {
    public var rowID: Int64
    public var seq: Int64?
    public var day: String
    public var actor: String
    public var provider: String
    public var action: String
    public var caseCode: String
    public var entryMAC: Data?
    public var chainMAC: Data?

    public init(rowID: Int64, seq: Int64?, day: String, actor: String, provider: String, action: String, caseCode: String,
                entryMAC: Data?, chainMAC: Data?) {
        self.rowID = rowID; self.seq = seq; self.day = day; self.actor = actor; self.provider = provider
        self.action = action; self.caseCode = caseCode; self.entryMAC = entryMAC; self.chainMAC = chainMAC
    }

    var fields: AuditFields? {
        seq.map { AuditFields(seq: $0, day: day, actor: actor, provider: provider, action: action, caseCode: caseCode) }
    }
}

/// A place in the chain with its value and the MAC that vouches for it (the head, the anchor).
public struct AuditMark: Sendable {
    public var seq: Int64
    public var chain: Data
    public var mac: Data
    public init(seq: Int64, chain: Data, mac: Data) { self.seq = seq; self.chain = chain; self.mac = mac }
}

public struct AuditCheckpoint: Sendable, Equatable {
    public var seq: Int64
    public var chain: Data
    public var signature: Data
    public init(seq: Int64, chain: Data, signature: Data) { self.seq = seq; self.chain = chain; self.signature = signature }

    /// `SEQ.CHAIN.SIGNATURE` (base64url): the form the daily log line carries and
    /// `anongate audit verify --checkpoint` reads back.
    public var text: String { "\(seq).\(Base64URL.encode(Array(chain))).\(Base64URL.encode(Array(signature)))" }

    public init?(text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let seq = Int64(parts[0]), seq > 0,
              let chain = Base64URL.decode(String(parts[1])), chain.count == 32,
              let signature = Base64URL.decode(String(parts[2])), signature.count == 64 else { return nil }
        self.init(seq: seq, chain: Data(chain), signature: Data(signature))
    }
}

public enum AuditFinding: Sendable, Equatable, CustomStringConvertible {
    case changed(entry: Int64, rowID: Int64)
    case inserted(rowID: Int64)
    case removed(from: Int64, to: Int64)
    case reordered(entry: Int64, rowID: Int64)
    case markChanged(String)
    case checkpointBroken(seq: Int64)

    public var description: String {
        switch self {
        case .changed(let entry, let rowID): "entry \(entry) (row \(rowID)) was changed: its content or MAC no longer matches"
        case .inserted(let rowID): "row \(rowID) was inserted: it is not an entry the gateway wrote"
        case .removed(let from, let to) where from == to: "entry \(from) was removed"
        case .removed(let from, let to): "entries \(from)–\(to) were removed"
        case .reordered(let entry, let rowID): "entry \(entry) (row \(rowID)) was moved out of its place: the log was reordered"
        case .markChanged(let what): "the \(what) record was changed or removed"
        case .checkpointBroken(let seq): "the signed checkpoint at entry \(seq) does not match the log (or its signature is wrong)"
        }
    }
}

public enum AuditVerdict: Sendable, Equatable {
    case intact(entries: Int, first: Int64?, last: Int64?, checkpoints: Int)
    case tampered(AuditFinding)
}

/// Walks the access log in stored order and names the first place where it is not what the
/// gateway wrote. Pure: `anongate audit verify` and the tests feed it rows read from SQLite.
public enum AuditVerifier {
    public static func verify(
        rows: [AuditRow], head: AuditMark?, anchor: AuditMark?, checkpoints: [AuditCheckpoint], chain: AuditChain
    ) -> AuditVerdict {
        var previousSeq: Int64 = 0
        var previousChain = AuditChain.genesis
        if let anchor {
            guard AuditChain.same(anchor.mac, chain.anchorMAC(seq: anchor.seq, chain: anchor.chain)) else { return .tampered(.markChanged("purge anchor")) }
            previousSeq = anchor.seq
            previousChain = anchor.chain
        }
        let start = previousSeq
        var chainAt: [Int64: Data] = [:]

        for (index, row) in rows.enumerated() {
            guard let fields = row.fields, let entryMAC = row.entryMAC, let chainMAC = row.chainMAC else {
                return .tampered(.inserted(rowID: row.rowID))
            }
            guard AuditChain.same(entryMAC, chain.entryMAC(fields)) else {
                // Skipping this row, does the log go on as written? Then the row was added; else changed.
                let next = index + 1 < rows.count ? rows[index + 1] : nil
                if let next, let nextFields = next.fields, let nextEntry = next.entryMAC, let nextChain = next.chainMAC,
                   nextFields.seq == previousSeq + 1, AuditChain.same(nextEntry, chain.entryMAC(nextFields)),
                   AuditChain.same(nextChain, chain.chainMAC(previous: previousChain, entryMAC: nextEntry)) {
                    return .tampered(.inserted(rowID: row.rowID))
                }
                if next == nil, let head, head.seq == previousSeq, fields.seq > previousSeq {
                    return .tampered(.inserted(rowID: row.rowID))
                }
                return .tampered(.changed(entry: fields.seq, rowID: row.rowID))
            }
            if fields.seq <= previousSeq {
                // An authentic entry seen again (a copy) or too late (moved).
                return fields.seq == previousSeq || chainAt[fields.seq] != nil
                    ? .tampered(.inserted(rowID: row.rowID)) : .tampered(.reordered(entry: fields.seq, rowID: row.rowID))
            }
            if fields.seq > previousSeq + 1 {
                let missing = previousSeq + 1
                if rows[(index + 1)...].contains(where: { $0.seq == missing }) {
                    return .tampered(.reordered(entry: fields.seq, rowID: row.rowID))
                }
                return .tampered(.removed(from: missing, to: fields.seq - 1))
            }
            guard AuditChain.same(chainMAC, chain.chainMAC(previous: previousChain, entryMAC: entryMAC)) else {
                return .tampered(.changed(entry: fields.seq, rowID: row.rowID))
            }
            previousSeq = fields.seq
            previousChain = chainMAC
            chainAt[fields.seq] = chainMAC
        }

        for checkpoint in checkpoints where checkpoint.seq > start {
            guard AuditChain.checkpointIsValid(
                seq: checkpoint.seq, chain: checkpoint.chain, signature: checkpoint.signature, publicKey: chain.checkpointPublicKey)
            else { return .tampered(.checkpointBroken(seq: checkpoint.seq)) }
            if checkpoint.seq > previousSeq { return .tampered(.removed(from: previousSeq + 1, to: checkpoint.seq)) }
            guard let value = chainAt[checkpoint.seq], AuditChain.same(value, checkpoint.chain) else {
                return .tampered(.checkpointBroken(seq: checkpoint.seq))
            }
        }
        if let head {
            guard AuditChain.same(head.mac, chain.headMAC(seq: head.seq, chain: head.chain)) else { return .tampered(.markChanged("head")) }
            if head.seq > previousSeq { return .tampered(.removed(from: previousSeq + 1, to: head.seq)) }
            guard head.seq == previousSeq, AuditChain.same(head.chain, previousChain) else { return .tampered(.markChanged("head")) }
        } else if previousSeq > 0 {
            return .tampered(.markChanged("head"))
        }

        return .intact(
            entries: rows.count, first: rows.isEmpty ? nil : start + 1, last: rows.isEmpty ? nil : previousSeq,
            checkpoints: checkpoints.filter { $0.seq > start }.count)
    }
}
