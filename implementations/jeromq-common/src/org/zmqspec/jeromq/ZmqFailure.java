package org.zmqspec.jeromq;

import java.util.HashMap;
import java.util.Map;
import zmq.ZError;

/**
 * A failed JeroMQ call, named the libzmq/POSIX way ("EAGAIN", "EFSM"...).
 *
 * JeroMQ (0.3.6 and 0.6.0 alike) numbers its errors like BSD (EAGAIN is 35,
 * EADDRINUSE 48), so a number means nothing to the suite: only the names below
 * travel (those both versions have here; the ones only 0.6.0 has come from
 * {@link Jeromq#moreErrnoNames}). Some refusals are Java exceptions rather than
 * errno values; {@link #of} translates those where libzmq sets an errno.
 */
class ZmqFailure extends Exception {
    private static final Map<Integer, String[]> NAMES = new HashMap<>();

    static {
        name(ZError.EINTR, "EINTR", "Interrupted system call");
        name(ZError.EACCESS, "EACCES", "Permission denied");
        name(ZError.EFAULT, "EFAULT", "Bad address");
        name(ZError.EINVAL, "EINVAL", "Invalid argument");
        name(ZError.EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        name(ZError.EINPROGRESS, "EINPROGRESS", "Operation now in progress");
        name(ZError.EPROTONOSUPPORT, "EPROTONOSUPPORT", "Protocol not supported");
        name(ZError.ENOTSUP, "ENOTSUP", "Operation not supported");
        name(ZError.EADDRINUSE, "EADDRINUSE", "Address already in use");
        name(ZError.EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address");
        name(ZError.ENETDOWN, "ENETDOWN", "Network is down");
        name(ZError.ENOBUFS, "ENOBUFS", "No buffer space available");
        name(ZError.EISCONN, "EISCONN", "Transport endpoint is already connected");
        name(ZError.ENOTCONN, "ENOTCONN", "Transport endpoint is not connected");
        name(ZError.ECONNREFUSED, "ECONNREFUSED", "Connection refused");
        name(ZError.EHOSTUNREACH, "EHOSTUNREACH", "Host unreachable");
        name(ZError.ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket");
        name(ZError.EFSM, "EFSM", "Operation cannot be accomplished in current state");
        name(ZError.ENOCOMPATPROTO, "ENOCOMPATPROTO", "The protocol is not compatible with the socket type");
        name(ZError.ETERM, "ETERM", "Context was terminated");
        name(ZError.EMTHREAD, "EMTHREAD", "No thread available");
        name(ZError.EIOEXC, "EIOEXC", "I/O exception");
        name(ZError.ESOCKET, "ESOCKET", "Socket error");
        name(ZError.EMFILE, "EMFILE", "Too many open files");
        Jeromq.moreErrnoNames(ZmqFailure::name);
    }

    /** Who takes an errno's number, name and words. */
    interface Namer {
        void name(int number, String name, String text);
    }

    private static void name(int number, String name, String text) {
        NAMES.put(number, new String[] {name, text});
    }

    final String errno;

    ZmqFailure(String errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** The failure JeroMQ reported with an errno value (after a call returned false or null). */
    static ZmqFailure errno(int number) {
        String[] known = NAMES.get(number);
        return known != null ? new ZmqFailure(known[0], known[1])
                             : new ZmqFailure("E" + number, "JeroMQ error " + number);
    }

    static String describe(int number) {
        String[] known = NAMES.get(number);
        return known != null ? known[1] : "JeroMQ error " + number;
    }

    /**
     * A Java exception thrown by JeroMQ, as the errno libzmq sets on the same path:
     * a ZMQException carries its errno; what only one version throws is translated by
     * {@link Jeromq#translate} (0.3.6: REP's IllegalStateException is EFSM; 0.6.0: an
     * IllegalArgumentException "Unknown protocol" at bind/connect is EPROTONOSUPPORT);
     * an unknown transport at bind/connect (UnsupportedOperationException) is EPROTONOSUPPORT;
     * an operation a socket type does not have (UnsupportedOperationException elsewhere) is ENOTSUP;
     * anything else (a value JeroMQ rejects...) is EINVAL.
     * The message keeps JeroMQ's own words, so a report shows what really happened.
     */
    static ZmqFailure of(RuntimeException thrown, String during) {
        String words = thrown.getClass().getSimpleName() + (thrown.getMessage() != null ? ": " + thrown.getMessage() : "");
        if (thrown instanceof org.zeromq.ZMQException zmq) {
            ZmqFailure failure = errno(zmq.getErrorCode());
            return new ZmqFailure(failure.errno, Jeromq.zmqExceptionMessage(failure, words));
        }
        ZmqFailure translated = Jeromq.translate(thrown, during, words);
        if (translated != null) {
            return translated;
        }
        if (thrown instanceof UnsupportedOperationException) {
            boolean endpoint = during.equals("bind") || during.equals("connect");
            return new ZmqFailure(endpoint ? "EPROTONOSUPPORT" : "ENOTSUP",
                                  (endpoint ? "Protocol not supported" : "Operation not supported") + " (JeroMQ: " + words + ")");
        }
        return new ZmqFailure("EINVAL", "Invalid argument (JeroMQ: " + words + ")");
    }

    /**
     * JeroMQ ran out of stack (its subscription trie recurses once per byte of a prefix, so a
     * subscription of tens of kilobytes overflows it): ENOMEM, naming where, so that the driver
     * answers instead of dying with the error (libzmq takes such a subscription).
     */
    static ZmqFailure overflow(StackOverflowError overflow) {
        StackTraceElement[] where = overflow.getStackTrace();
        String at = where.length > 0 ? " in " + where[0].getClassName() + "." + where[0].getMethodName() : "";
        return new ZmqFailure("ENOMEM", "Cannot allocate memory (JeroMQ: StackOverflowError" + at + ")");
    }
}
