/*
 * lifecycle.pml — the token and case lifecycle of anongate, for spin.
 *
 * One `atomic` block = one SQLite write (or read) transaction of AnonymousStore: GRDB runs each
 * `write { db in ... }` body as one serialised transaction, and a domain error thrown inside it rolls
 * the whole body back. A service function that makes several store calls (CaseService.bookNext,
 * CaseService.handover, AnonymousStore.cancel, BookingService.reschedule, ...) is several atomic
 * blocks, and every other actor may run between them.
 *
 * What each block stands for, and the Swift line it comes from, is in Tests/Model/README.md.
 * Run it with scripts/model-check (the real model, the mutants, the findings).
 *
 * Bounds: NT one-time tokens, NC anonymous cases, 2 providers, a session limit of LIMIT (3, where
 * U-turn has 5: the rule is the same comparison `used < total`).
 */

#ifndef NT
#define NT 4            /* one-time tokens ever issued (ids 1..NT) */
#endif
#ifndef NC
#define NC 3            /* anonymous cases ever opened (codes 1..NC; a code is never reused) */
#endif
#ifndef LIMIT
#define LIMIT 3         /* SessionLimit total (U-turn has 5; 3 keeps the state space small) */
#endif

#define NOREF 2         /* referralProviderId IS NULL */

/* booking.status; NONE = no booking row holds this token */
#define NONE      0
#define BOOKED    1
#define CANCELLED 2
#define CHECKEDIN 3

/* case_live_token.kind */
#define LK_BOOKING  1
#define LK_FOLLOWUP 2

/* anonymous_case row: status (+ dischargeReason = transferred) */
#define NOCASE 0        /* no row (never opened, or deleted by forget / purge) */
#define OPEN   1
#define CLOSED 2        /* status = 'closed', any QS 3.2 reason */
#define XFER   3        /* status = 'closed', dischargeReason = 'transferred' (handover) */

/* ghost: why a case row is gone */
#define FORGOT 1
#define PURGED 2

/* follow_up row (discharge follow-up token, QS 3.2) */
#define UNANSWERED 0
#define ANSWERED_NO 1
#define ANSWERED_WANTS 2

/* ghost: how a token was issued */
#define TK_FIRST     1  /* BookingService.book (web or phone) */
#define TK_CHAIN     2  /* AnonymousStore.bookNext */
#define TK_FOLLOWUP  3  /* AnonymousStore.issueFollowUp */
#define TK_DISCHARGE 4  /* AnonymousStore.close(followUpTokenHash:) */

/* ---------------- the anonymous store ---------------- */

byte ntok = 0;                  /* tokens issued: 1..ntok */
byte ncase = 0;                 /* cases opened: 1..ncase */

/* per token (index 0 unused) */
byte bst[NT+1];                 /* booking row holding this token: status, or NONE */
byte bcase[NT+1];               /* booking.caseCode (0 = NULL) */
bit  bprov[NT+1];               /* booking.providerId */
byte live[NT+1];                /* case_live_token.caseCode for this tokenHash (0 = no row) */
byte lkind[NT+1];               /* case_live_token.kind */
byte fu[NT+1];                  /* follow_up.caseCode for this tokenHash (0 = no row) */
byte fuAns[NT+1];               /* follow_up.answeredIn / wantsConversation */
bit  fuRet[NT+1];               /* follow_up.returnedIn IS NOT NULL */

/* per case (index 0 unused) */
byte cst[NC+1];                 /* NOCASE / OPEN / CLOSED / XFER */
bit  cprov[NC+1];               /* anonymous_case.providerId */
byte cref[NC+1];                /* anonymous_case.referralProviderId (NOREF = NULL) */
byte used[NC+1];                /* count(*) FROM case_session */
bit  decided[NC+1];             /* anonymous_case.decision IS NOT NULL */

/* ghosts: not in the database, only for the properties */
byte red[NT+1];                 /* times the token was redeemed (a session held or a case opened with it) */
byte issuedAs[NT+1];            /* TK_* */
byte gone[NC+1];                /* FORGOT / PURGED once the case row was deleted */

hidden byte i, j, found, dc;        /* scratch inside one atomic block only */

/* ---------------- properties ---------------- */

/* The tokens a case can still be met with: a booked booking of the case, or a case_live_token row. */
#define LV(t,c) ((bst[t] == BOOKED && bcase[t] == c) || live[t] == c)

/* (c) a case never has two live tokens; (b) a case never exceeds its limit.
   Checked after every committed write transaction. */
inline committed() {
  d_step {
    i = 1;
    do
    :: i <= NC ->
        j = 1; found = 0;
        do
        :: j <= NT -> if :: LV(j, i) -> found++ :: else -> skip fi; j++
        :: else -> break
        od;
        assert(found <= 1);             /* (c) */
        assert(used[i] <= LIMIT);       /* (b) */
        i++
    :: else -> break
    od;
    i = 0; j = 0; found = 0
  }
}

/* (a) no token is redeemed twice (the discharge follow-up token included since the fix of
   README, "Findings" 2). */
inline redeem(t) {
    assert(red[t] == 0);
    red[t]++
}

/* (d) a transferred, forgotten or purged case accepts nothing: a session, a booking, a live
   token, a decision, a change of its requests. (Each of these also needs an open case.) */
inline accept(c) {
    assert(gone[c] == 0 && cst[c] != XFER);
    assert(cst[c] == OPEN)
}

/* (d) for notes: not forgotten, not purged, not transferred (README, "Findings" 1, now fixed). */
inline acceptNote(c) {
    assert(gone[c] == 0 && cst[c] != NOCASE && cst[c] != XFER)
}

/* ---------------- helpers (inside a transaction) ---------------- */

#define visible(c, p) (c >= 1 && c <= NC && cst[c] != NOCASE && (cprov[c] == p || cref[c] == p))

/* CasePolicy.checkAnotherSession: guard found.status == .open; guard progress.canContinue */
#ifdef BUG_NO_LIMIT_CHECK
#define mayHaveAnotherSession(c) (cst[c] == OPEN)
#else
#define mayHaveAnotherSession(c) (cst[c] == OPEN && used[c] < LIMIT)
#endif

inline newToken(t, kind) {
    ntok++; t = ntok; issuedAs[t] = kind
}

/* AnonymousStore.openCase */
inline openCase(c, p) {
    ncase++; c = ncase; cst[c] = OPEN; cprov[c] = p; cref[c] = NOREF; used[c] = 0; decided[c] = 0
}

/* AnonymousStore.recordSession, after its guard (mayHaveAnotherSession) held */
inline recordSession(c) {
    accept(c);
    used[c]++
}

/* AnonymousStore.releaseLiveToken: fetchOne the case's live token, cancel its booking if booked,
   delete the case's live-token rows. */
inline releaseLiveToken(c) {
    i = 1; found = 0;
    do
    :: i <= NT ->
        if
        :: live[i] == c && found == 0 ->
            found = 1;
            if :: bst[i] == BOOKED -> bst[i] = CANCELLED :: else -> skip fi
        :: else -> skip
        fi;
        i++
    :: else -> break
    od;
    i = 1;
    do
    :: i <= NT -> if :: live[i] == c -> live[i] = 0; lkind[i] = 0 :: else -> skip fi; i++
    :: else -> break
    od;
    i = 0; found = 0
}

/* AnonymousStore.recordReturn: a follow-up token's citizen came back (within twelve months: abstracted) */
inline recordReturn(t) {
    if :: fu[t] != 0 && cst[fu[t]] != NOCASE && fuRet[t] == 0 -> fuRet[t] = 1 :: else -> skip fi
}

/* AnonymousStore.deleteCase: notes, sessions, live token, follow_up, bookings of the case, the row.
   (forgetCase = an access-log entry "forgotten" + deleteCase; the ghost `gone` records why.) */
#ifdef BUG_FORGOTTEN_ACCEPTS
#define DELETES(why) (why == PURGED)    /* the mutant: forgetCase logs "forgotten" but deletes nothing */
#else
#define DELETES(why) true
#endif
inline deleteCase(c, why) {
    dc = c;             /* c may be an expression over the rows deleted below */
    if
    :: DELETES(why) ->
        i = 1;
        do
        :: i <= NT ->
            if :: live[i] == dc -> live[i] = 0; lkind[i] = 0 :: else -> skip fi;
            if :: fu[i] == dc -> fu[i] = 0; fuAns[i] = 0; fuRet[i] = 0 :: else -> skip fi;
            if :: bcase[i] == dc -> bst[i] = NONE; bcase[i] = 0; bprov[i] = 0 :: else -> skip fi;
            i++
        :: else -> break
        od;
        i = 0;
        cst[dc] = NOCASE; cprov[dc] = 0; cref[dc] = 0; used[dc] = 0; decided[dc] = 0
    :: else -> skip
    fi;
    gone[dc] = why;
    dc = 0
}

/* ---------------- transactions ---------------- */

/* AnonymousStore.book (BookingService.book, web or phone): a new booking, no case */
inline tx_book(t) {
    newToken(t, TK_FIRST);
    bst[t] = BOOKED; bcase[t] = 0; bprov[t] = 0      /* at the holding provider (see README: providers) */
}

/* AnonymousStore.cancel, second transaction (the first is liveBooking, a read) */
inline tx_cancel(t) {
    if :: bst[t] == BOOKED -> bst[t] = CANCELLED :: else -> skip fi;   /* WHERE tokenHash = ? AND status = 'booked' */
    if :: live[t] != 0 -> live[t] = 0; lkind[t] = 0 :: else -> skip fi /* DELETE FROM case_live_token WHERE tokenHash = ? */
    /* `changed == 1` is checked after the commit: the DELETE stands either way */
}

/* AnonymousStore.reschedule, second transaction: UPDATE ... WHERE id = ? AND status = 'booked'.
   Times and seats are abstracted, and a case's booking may not move to another provider
   (.otherProvider): what the properties read does not change. Kept for its race with the
   cancel, check-in and bookNext of the same token. */
inline tx_reschedule(t, p) {
    if
    :: bst[t] == BOOKED && !(p != bprov[t] && bcase[t] != 0) -> skip   /* moved */
    :: else -> skip       /* .otherProvider, or no longer booked (.slotFull) */
    fi
}

/* AnonymousStore.redeemFollowUp (BookingService.reschedule of a follow-up token) */
inline tx_redeemFollowUp(t, p) {
    if
    :: (live[t] != 0 && lkind[t] == LK_FOLLOWUP && cst[live[t]] != NOCASE
       && cst[live[t]] == OPEN                                          /* guard existing.status == .open */
       && (cprov[live[t]] == p || cref[live[t]] == p)                   /* CasePolicy.checkSlot(bookedBy: nil) */
       && mayHaveAnotherSession(live[t])                                /* CasePolicy.checkAnotherSession */
       && bst[t] == NONE) ->                                             /* booking.tokenHash UNIQUE */
        accept(live[t]);
        bst[t] = BOOKED; bcase[t] = live[t]; bprov[t] = p;
        lkind[t] = LK_BOOKING                                           /* UPDATE case_live_token SET kind = 'booking' */
    :: else -> skip
    fi
}

/* AnonymousStore.bookFollowUpConversation (BookingService.reschedule of a discharge follow-up token) */
inline tx_bookFollowUpConversation(t) {
    if
    :: (fu[t] != 0 && cst[fu[t]] != NOCASE && fuAns[t] == ANSWERED_WANTS   /* followUp.mayBook */
       && bst[t] == NONE                                                  /* count(*) FROM booking WHERE tokenHash = ? == 0 */
#ifndef BUG_DISCHARGE_REBOOK
       && fuRet[t] == 0                                                   /* count(*) … AND returnedIn IS NULL == 1 */
#endif
       ) ->
        bst[t] = BOOKED; bcase[t] = 0; bprov[t] = cprov[fu[t]]
    :: else -> skip
    fi
}

/* AnonymousStore.answerFollowUp (one round; the six-month token takes the same path) */
inline tx_answerFollowUp(t) {
    if
    :: fu[t] != 0 && cst[fu[t]] != NOCASE && fuAns[t] == UNANSWERED ->
        if :: fuAns[t] = ANSWERED_NO :: fuAns[t] = ANSWERED_WANTS fi
    :: else -> skip
    fi
}

/* AnonymousStore.changeRequests: a live booking's interpreter/companion, kept on its case */
inline tx_changeRequests(t) {
    if
    :: bst[t] == BOOKED -> if :: bcase[t] != 0 -> accept(bcase[t]) :: else -> skip fi
    :: else -> skip
    fi
}

/* AnonymousStore.forget */
inline tx_forget(t) {
    if
    :: bst[t] != NONE ->
        if
        :: bst[t] != BOOKED -> skip                                  /* .noLongerValid */
        :: else ->
            if
            :: bcase[t] == 0 ->
                bst[t] = NONE; bprov[t] = 0;                         /* DELETE FROM booking WHERE id = ? */
                if :: fu[t] != 0 -> deleteCase(fu[t], FORGOT) :: else -> skip fi
            :: else -> deleteCase(bcase[t], FORGOT)
            fi
        fi
    :: else ->
        if
        :: live[t] != 0 -> deleteCase(live[t], FORGOT)
        :: else -> if :: fu[t] != 0 -> deleteCase(fu[t], FORGOT) :: else -> skip fi   /* else .notFound */
        fi
    fi
}

/* AnonymousStore.checkIn */
inline tx_checkIn(t, p, c) {
    if
    :: (bst[t] != NONE && bprov[t] == p                               /* bookableRow: another provider's = unknown */
#ifndef BUG_DOUBLE_REDEEM
       && bst[t] == BOOKED                                           /* bookableRow's status switch; UPDATE ... AND status = 'booked' */
#endif
       ) ->
        if
        :: bcase[t] != 0 ->                                          /* a session of an existing case */
            c = bcase[t];
            if
            :: cst[c] != NOCASE && mayHaveAnotherSession(c) ->       /* existingCase; recordSession's guard */
                bst[t] = CHECKEDIN;
#ifndef BUG_STALE_LIVE_TOKEN
                i = 1;                                               /* DELETE FROM case_live_token WHERE caseCode = ? */
                do
                :: i <= NT -> if :: live[i] == c -> live[i] = 0; lkind[i] = 0 :: else -> skip fi; i++
                :: else -> break
                od; i = 0;
#endif
                recordSession(c); redeem(t)
            :: else -> skip                                          /* rolled back */
            fi
        :: else ->                                                   /* a first visit opens the case */
            if
            :: ncase < NC ->
                bst[t] = CHECKEDIN;
                openCase(c, p); bcase[t] = c;
                recordReturn(t);
                recordSession(c); redeem(t)
            :: else -> skip                                          /* bound: no case code left */
            fi
        fi
    :: else -> skip                                                  /* .notFound / .tokenGone / .tokenUsed */
    fi
}

/* AnonymousStore.walkIn(service:ageBand:): a new case and its first session */
inline tx_walkIn(p, c) {
    openCase(c, p); recordSession(c)
}

/* AnonymousStore.walkIn(tokenHash:) */
inline tx_walkInWithToken(t, p, c) {
    if
    :: bst[t] == NONE && fu[t] != 0 && cst[fu[t]] != NOCASE ->           /* a discharge follow-up token shown in person */
        if
        :: cprov[fu[t]] == p && fuRet[t] == 0 && ncase < NC ->          /* same provider; returnedIn IS NULL */
            openCase(c, p); recordReturn(t); recordSession(c); redeem(t)
        :: else -> skip
        fi
    :: else ->
        if
        :: live[t] != 0 ->                                               /* the case's live token */
            c = live[t];
            if
            :: visible(c, p) && mayHaveAnotherSession(c) ->
                releaseLiveToken(c); recordSession(c); redeem(t)
            :: else -> skip
            fi
        :: else ->                                                       /* a first booking, today */
            if
            :: bst[t] == BOOKED && bprov[t] == p && ncase < NC ->
                openCase(c, p);
                bst[t] = CHECKEDIN; bcase[t] = c;
                recordReturn(t); recordSession(c); redeem(t)
            :: else -> skip
            fi
        fi
    fi
}

/* AnonymousStore.bookNext: the case's next session, its token the one live token */
inline tx_bookNext(c, p, t) {
    if
    :: (visible(c, p) && cst[c] == OPEN                               /* guard existing.status == .open */
       && mayHaveAnotherSession(c)                                   /* checkSlot (own provider's slot); checkAnotherSession */
       && ntok < NT) ->
#ifndef BUG_TWO_LIVE_TOKENS
#ifndef BUG_NO_RELEASE_ONLY
        releaseLiveToken(c);
#endif
#endif
#if !defined(BUG_TWO_LIVE_TOKENS)
        /* INSERT INTO case_live_token: the primary key (caseCode) refuses a second row */
        i = 1; found = 0;
        do :: i <= NT -> if :: live[i] == c -> found = 1 :: else -> skip fi; i++ :: else -> break od;
        i = 0;
        if
        :: found == 0 ->
#endif
            accept(c);
            newToken(t, TK_CHAIN);
            bst[t] = BOOKED; bcase[t] = c; bprov[t] = p;
            live[t] = c; lkind[t] = LK_BOOKING
#if !defined(BUG_TWO_LIVE_TOKENS)
        :: else -> skip                                              /* UNIQUE conflict: rolled back */
        fi;
        found = 0
#endif
    :: else -> skip
    fi
}

/* AnonymousStore.issueFollowUp */
inline tx_issueFollowUp(c, p, t) {
    if
    :: visible(c, p) && mayHaveAnotherSession(c) && ntok < NT ->
        releaseLiveToken(c);
        accept(c);
        newToken(t, TK_FOLLOWUP);
        live[t] = c; lkind[t] = LK_FOLLOWUP
    :: else -> skip
    fi
}

/* AnonymousStore.markNoShow */
inline tx_markNoShow(c, p) {
    if
    :: visible(c, p) && cst[c] == OPEN ->                            /* CasePolicy.checkNoShow */
        i = 1; found = 0;                                            /* the live token's booking (start <= now: abstracted) */
        do :: i <= NT -> if :: live[i] == c && lkind[i] == LK_BOOKING && bst[i] != NONE -> found = 1 :: else -> skip fi; i++
           :: else -> break od;
        i = 0;
        if
        :: found == 1 ->
            found = 0;
            if
            :: releaseLiveToken(c)                                   /* service.noShowCounts == false */
            :: mayHaveAnotherSession(c) -> releaseLiveToken(c); recordSession(c)   /* counts */
            fi
        :: else -> found = 0                                         /* .noBookedSession */
        fi
    :: else -> skip
    fi
}

/* AnonymousStore.attend: a group meeting, one of the case's sessions (seating abstracted) */
inline tx_attend(c, p) {
    if
    :: visible(c, p) && mayHaveAnotherSession(c) -> recordSession(c)
    :: else -> skip
    fi
}

/* AnonymousStore.decide (§101a stk. 4-5), with a referral when granted */
inline tx_decide(c, p) {
    if
    :: (visible(c, p) && cprov[c] == p                                /* the holding provider only */
#ifndef BUG_TRANSFERRED_ACCEPTS
       && cst[c] == OPEN                                             /* CasePolicy.checkDecision: status == .open */
#endif
       && used[c] >= 1 && decided[c] == 0) ->
        accept(c);
        decided[c] = 1;
        if :: cref[c] = NOREF :: cref[c] = 0 :: cref[c] = 1 fi      /* refused / granted + referral */
    :: else -> skip
    fi
}

/* AnonymousStore.addNote */
inline tx_addNote(c, p) {
    if
    :: (visible(c, p)                                                 /* visibleCase; noteSealer (key kept) */
#ifndef BUG_NOTE_AFTER_CLOSE
       && cst[c] == OPEN                                             /* CasePolicy.checkNote */
#endif
       ) -> acceptNote(c)
    :: else -> skip
    fi
}

/* AnonymousStore.close, with or without the discharge follow-up token (QS 3.2); `why` = XFER is the
   close(reason: .transferred, throughHandover: true) of a handover, which issues no follow-up token. */
inline tx_close(c, p, t, why, withFollowUp) {
    if
    :: visible(c, p) && cst[c] == OPEN ->                            /* CasePolicy.checkClose */
        releaseLiveToken(c);
        cst[c] = why;
        if
        :: withFollowUp && ntok < NT -> newToken(t, TK_DISCHARGE); fu[t] = c; fuAns[t] = UNANSWERED; fuRet[t] = 0
        :: else -> skip
        fi
    :: else -> skip
    fi
}

/* AnonymousStore.purge: closed cases past retention (any subset: the cut-off is abstracted),
   cancelled and unattended bookings */
inline tx_purge() {
    j = 1;
    do
    :: j <= NC ->
        if
        :: (cst[j] == CLOSED || cst[j] == XFER) -> if :: deleteCase(j, PURGED) :: skip fi
        :: else -> skip
        fi;
        j++
    :: else -> break
    od;
    j = 1;
    do
    :: j <= NT ->
        if
        :: fu[j] != 0 && (bst[j] == CANCELLED || (bst[j] == BOOKED && bcase[j] == 0)) ->
            if :: bst[j] = NONE; bcase[j] = 0; bprov[j] = 0 :: skip fi
            /* Only a discharge follow-up token's booking is purged here: for any other token a
               deleted cancelled or unattended booking answers every later transaction exactly as
               a cancelled one does (refused, nothing changes), so deleting it adds only states. */
        :: else -> skip
        fi;
        j++
    :: else -> break
    od;
    j = 0
}

/* ---------------- actors ---------------- */

inline pickToken(t) {
    t = 1;
    do :: t < ntok -> t++ :: break od
}
inline pickCase(c) {
    c = 1;
    do :: c < ncase -> c++ :: break od
}
inline pickProvider(p) {
    if :: p = 0 :: p = 1 fi
}

/* The citizen who holds the references (tokens are bearer references: any token issued may be
   presented). Cancel and reschedule are two transactions each: every other actor may run between. */
proctype Citizen() {
    byte t, what; bit p;
end:
    do
    :: atomic { ntok < NT -> tx_book(t); committed(); t = 0 }
    :: /* BookingService.cancel -> AnonymousStore.cancel: liveBooking (a read), then the write */
        atomic { ntok > 0 -> pickToken(t); if :: bst[t] == BOOKED -> skip :: else -> t = 0; goto end fi };
        atomic { tx_cancel(t); committed(); t = 0 }
    :: /* BookingService.reschedule: holding (a read; for a booking, AnonymousStore.reschedule's
          liveBooking read follows at once: two reads in a row are one step here), then the write:
          redeemFollowUp, reschedule or bookFollowUpConversation */
        atomic {
            ntok > 0 -> pickToken(t);
            if
            :: live[t] != 0 && lkind[t] == LK_FOLLOWUP -> what = 1; pickProvider(p)
            :: else ->
                if
                :: bst[t] == BOOKED -> what = 2
                :: bst[t] == NONE && fu[t] != 0 && cst[fu[t]] != NOCASE -> what = 3
                :: else -> t = 0; goto end                          /* unknown, used or cancelled */
                fi
            fi
        };
        atomic {
            if
            :: what == 1 -> tx_redeemFollowUp(t, p)
            :: what == 2 -> tx_reschedule(t, bprov[t])
            :: what == 3 -> tx_bookFollowUpConversation(t)
            fi;
            committed(); t = 0; p = 0; what = 0
        }
    :: atomic { ntok > 0 -> pickToken(t); tx_answerFollowUp(t); committed(); t = 0 }
    :: atomic { ntok > 0 -> pickToken(t); tx_changeRequests(t); committed(); t = 0 }
    :: atomic { ntok > 0 -> pickToken(t); tx_forget(t); committed(); t = 0 }
    od
}

/* A second holder of the same references (a shared phone, a reference read out loud): "forget me"
   racing the citizen's own two-transaction steps (the citizen's one-transaction steps need no
   second copy: a transaction runs whole, before or after any other). */
proctype SecondHolder() {
    byte t;
end:
    do
    :: atomic { ntok > 0 -> pickToken(t); tx_forget(t); committed(); t = 0 }
    od
}

/* Phone staff book on a caller's behalf (BookingService.book with client == nil). */
proctype PhoneStaff() {
    byte t;
end:
    do
    :: atomic { ntok < NT -> tx_book(t); committed(); t = 0 }
    od
}

/* The one-transaction steps of any counsellor at provider p (check-in, walk-ins, group meeting,
   decision, note, close): CaseService calls the store once for each. */
inline oneTransactionStep(t, c, p, ok) {
    if
    :: atomic { ntok > 0 -> pickToken(t); pickProvider(p); tx_checkIn(t, p, c); committed(); t = 0; c = 0; p = 0 }
    :: atomic { ncase < NC -> tx_walkIn(0, c); committed(); c = 0 }          /* opened at provider 0 (README) */
    :: atomic { ntok > 0 -> pickToken(t); pickProvider(p); tx_walkInWithToken(t, p, c); committed(); t = 0; c = 0; p = 0 }
    :: atomic { ncase > 0 -> pickCase(c); pickProvider(p); tx_attend(c, p); committed(); c = 0; p = 0 }
    :: atomic { ncase > 0 -> pickCase(c); pickProvider(p); tx_decide(c, p); committed(); c = 0; p = 0 }
    :: atomic { ncase > 0 -> pickCase(c); pickProvider(p); tx_addNote(c, p); committed(); c = 0; p = 0 }
    :: atomic { ncase > 0 -> pickCase(c); pickProvider(p);
                if :: ok = 1 :: ok = 0 fi;                                    /* with / without the follow-up token */
                tx_close(c, p, t, CLOSED, ok); committed(); t = 0; c = 0; p = 0; ok = 0 }
    fi
}

/* A counsellor with the steps CaseService takes in two transactions: readCase, then the change.
   Between them every other actor may run. */
proctype Counsellor(bit home) {
    byte t, c, op; bit p; bit ok;
end:
    do
    :: oneTransactionStep(t, c, p, ok)
    :: /* CaseService.bookNext / followUp / markNoShow / handover: readCase (a transaction of its
          own, logged), then the change in a second transaction; every other actor may run between.
          `ok` keeps what the read saw of the status, for CasePolicy.checkHandover. */
        atomic {
            ncase > 0 -> pickCase(c); p = home;
            if :: visible(c, p) -> ok = (cst[c] == OPEN) :: else -> c = 0; p = 0; goto end fi   /* .notFound, logged */
        };
        atomic {
            if :: op = 1 :: op = 2 :: op = 3 :: op = 4 fi;
            if
            :: op == 1 -> tx_bookNext(c, p, t)                       /* AnonymousStore.bookNext */
            :: op == 2 -> tx_issueFollowUp(c, p, t)                  /* AnonymousStore.issueFollowUp */
            :: op == 3 -> tx_markNoShow(c, p)                        /* AnonymousStore.markNoShow */
            :: op == 4 && ok -> tx_close(c, p, t, XFER, 0)           /* handover: IdentifiedStore.insert (the
                                                                        other database), then AnonymousStore.close(
                                                                        reason: .transferred, throughHandover: true);
                                                                        a refused close deletes the enrolment again */
            :: op == 4 && !ok -> skip                                /* checkHandover refused on what was read */
            fi;
            committed(); t = 0; c = 0; p = 0; ok = 0; op = 0
        }
    od
}

/* A second counsellor (same or other provider) whose one-transaction steps race the first one's
   two-transaction steps: a note or check-in during a handover, two check-ins of one token. */
proctype SecondCounsellor() {
    byte t, c; bit p; bit ok;
end:
    do
    :: oneTransactionStep(t, c, p, ok)
    od
}

/* The daily purge (DataRetention / StoreMaintenance / `anongate purge`). */
proctype PurgeJob() {
end:
    do
    :: atomic { tx_purge(); committed() }
    od
}

init {
    atomic {
        run Citizen();
        run SecondHolder();
        run PhoneStaff();
        run Counsellor(0);
        run SecondCounsellor();
        run PurgeJob()
    }
}
