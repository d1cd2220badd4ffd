package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.tracegate.process.Watchdog;

/**
 * Connections to an external FastCGI server (php-fpm, say), kept and reused (KEEP_CONN) in a bounded pool:
 * at most {@code maxConnections} at once, since each one occupies one of the server's workers, and one FIFO of at
 * most {@code queueLength} requests waiting for one — a lane's blocking {@link #lease} and an event-driven
 * {@link #leaseAsync} alike. A connect failure is an {@link FastCgiUnavailable.Unreachable} with the errno, at once,
 * never a hang.
 *
 * <p>With a {@link PushBinder}, every new connection is put on the HTTP server's event loop: requests without a body
 * then run there as {@link PushExchange}s, and a lane's request waits on the same connection through it.
 *
 * <p>With {@code sendAhead} as well, a request without a body that would wait for a connection is instead written
 * behind the request running on one (at most one such per connection, FIFO as the queue): the server's worker finds
 * it in the socket as soon as it has answered the one before. A request with a body still waits in the queue, and
 * while one does, no request is sent ahead of it. Nothing is sent behind a request for a script whose last request
 * here ran longer than {@link #SLOW}: the one behind would wait for it (head-of-line).
 */
public final class ExternalPool implements FastCgiBackend {
    /** Grants queued while a grant runs on this thread: a chain of requests failing at once must not nest. */
    private static final ThreadLocal<ArrayDeque<Runnable>> GRANTING = new ThreadLocal<>();

    private final FastCgiAddress address;
    /** The address as the evidence names it; a record's toString would build it again for every request. */
    private final String addressText;
    private final int maxConnections;
    private final int queueLength;
    private final Duration connectTimeout;
    private final PushBinder binder;
    private final boolean sendAhead;
    private final Object lock = new Object();
    /** Connections whose running request is sent and has room behind it ({@code sendAhead}); guarded by lock. */
    private final java.util.Set<FastCgiConnection> hosting = new java.util.LinkedHashSet<>();
    /**
     * A script whose last request here ran longer than this gets no request sent behind it: hello.php takes a tenth of
     * a millisecond, and one 200 ms script in a stream of them held a request behind it for 200 ms each time
     * (bench/README.md, "What it costs when scripts' times vary").
     */
    static final long SLOW = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);
    /** Scripts known to run longer than {@link #SLOW}, the most recent {@value #SLOW_SCRIPTS}; guarded by lock. */
    private final java.util.Map<String, Boolean> slowScripts = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) { return size() > SLOW_SCRIPTS; }
    };
    private static final int SLOW_SCRIPTS = 1024;
    private int leased;                                   // guarded by lock
    private final Deque<Waiter> waiters = new ArrayDeque<>(); // guarded by lock
    private final Deque<FastCgiConnection> idle = new ArrayDeque<>(); // guarded by itself
    private volatile boolean closed;

    public ExternalPool(FastCgiAddress address, int maxConnections, int queueLength, Duration connectTimeout) {
        this(address, maxConnections, queueLength, connectTimeout, null);
    }

    /** @param binder puts new connections on the HTTP server's event loop; null keeps them blocking */
    public ExternalPool(FastCgiAddress address, int maxConnections, int queueLength, Duration connectTimeout,
                        PushBinder binder) {
        this(address, maxConnections, queueLength, connectTimeout, binder, false);
    }

    /** @param sendAhead whether a request without a body may be written behind a running one (needs a binder) */
    public ExternalPool(FastCgiAddress address, int maxConnections, int queueLength, Duration connectTimeout,
                        PushBinder binder, boolean sendAhead) {
        this.sendAhead = sendAhead && binder != null;
        this.address = address;
        this.addressText = address.toString();
        this.maxConnections = maxConnections;
        this.queueLength = queueLength;
        this.connectTimeout = connectTimeout;
        this.binder = binder;
    }

    /** Whether requests without a body can run as {@link PushExchange}s here ({@link #leaseAsync}). */
    public boolean pushes() { return binder != null; }

    /** One request waiting for a connection: granted a slot once, or refused once. */
    private abstract static class Waiter {
        final AtomicBoolean claimed = new AtomicBoolean();
        /** Set when it is granted room behind a running request instead of a slot; guarded by the pool's lock. */
        FastCgiConnection aheadOn;
        AheadSlot aheadSlot;

        /** Whether it may be sent ahead: only a request without a body on the event loop. */
        boolean mayGoAhead() { return false; }

        /** The slot is this request's now: it gets a connection (or, failing that, gives the slot back). */
        abstract void granted();

        abstract void refused(FastCgiUnavailable.Reason why);
    }

    @Override
    public Lease lease(Duration wait) throws FastCgiUnavailable {
        CompletableFuture<Void> slot = new CompletableFuture<>();
        Waiter w = new Waiter() {
            @Override
            void granted() { slot.complete(null); }

            @Override
            void refused(FastCgiUnavailable.Reason why) { slot.completeExceptionally(new FastCgiUnavailable(why)); }
        };
        if (take(w) != Taken.TAKEN) {
            try {
                slot.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | InterruptedException e) {
                boolean interrupted = e instanceof InterruptedException;
                if (interrupted) Thread.currentThread().interrupt();
                if (cancel(w)) {
                    throw new FastCgiUnavailable(new FastCgiUnavailable.Busy(maxConnections, interrupted ? Duration.ZERO : wait));
                }
                settled(slot);                         // granted (or refused) just now
            } catch (ExecutionException e) {
                throw (FastCgiUnavailable) e.getCause();
            }
        }
        FastCgiConnection kept = takeIdle();
        return kept != null ? kept(kept) : openBlocking();
    }

    /**
     * As {@link #lease}, without waiting: {@code ready} gets the lease, or {@code refused} why there is none — on this
     * thread when a kept connection is free or the queue is full, else on the thread that frees one, the one that
     * connected a new one, or (the wait ran out) a thread of its own. Only with a {@link PushBinder}.
     */
    public void leaseAsync(Duration wait, Watchdog watchdog, Consumer<Lease> ready, Consumer<FastCgiUnavailable.Reason> refused) {
        AsyncWaiter w = new AsyncWaiter(ready, refused);
        switch (take(w)) {
            case TAKEN, AHEAD -> grant(w);
            case QUEUED -> w.arm(watchdog, wait);
            case REFUSED -> { } // told already
        }
    }

    private final class AsyncWaiter extends Waiter {
        private final Consumer<Lease> ready;
        private final Consumer<FastCgiUnavailable.Reason> refused;
        private volatile Watchdog.Deadline deadline;

        AsyncWaiter(Consumer<Lease> ready, Consumer<FastCgiUnavailable.Reason> refused) {
            this.ready = ready;
            this.refused = refused;
        }

        /** Refuses the request if no slot comes within {@code wait}; a slot granted first makes this a no-op. */
        void arm(Watchdog watchdog, Duration wait) {
            Watchdog.Deadline d = watchdog.arm(wait, () -> {
                if (cancel(this)) {
                    // On a thread of its own, so that answering a slow client cannot stall the watchdog.
                    Thread.ofVirtual().name("tracegate-fastcgi-busy").start(() ->
                            refused.accept(new FastCgiUnavailable.Busy(maxConnections, wait)));
                }
            });
            deadline = d;
            // Granted between take() and here: granted() found no deadline to cancel, so it is cancelled now.
            if (claimed.get()) d.cancel();
        }

        @Override
        boolean mayGoAhead() { return true; }

        @Override
        void granted() {
            Watchdog.Deadline d = deadline;
            if (d != null) d.cancel();
            if (aheadSlot != null) {
                ready.accept(new Lease(aheadOn, -1, aheadOn.requestsStarted() + 1, false, addressText, null, aheadSlot));
                return;
            }
            FastCgiConnection kept = takeIdle();
            if (kept != null) {
                ready.accept(kept(kept));
            } else {
                // Connecting may wait (a TCP connect): never on the event loop.
                Thread.ofVirtual().name("tracegate-fastcgi-connect").start(() -> openBound(ready, refused));
            }
        }

        @Override
        void refused(FastCgiUnavailable.Reason why) {
            Watchdog.Deadline d = deadline;
            if (d != null) d.cancel();
            refused.accept(why);
        }
    }

    /** Waits for a slot decided a moment ago: returns when granted, throws why when refused. */
    private static void settled(CompletableFuture<Void> slot) throws FastCgiUnavailable {
        try {
            slot.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw (FastCgiUnavailable) e.getCause();
        }
    }

    /** A fresh connection in place of a kept one that the server had closed meanwhile. */
    public Lease renew(Lease stale) throws FastCgiUnavailable {
        stale.connection().close();
        return openBlocking();
    }

    /** As {@link #renew}, without waiting: the new connection is made on a thread of its own. */
    public void renewAsync(Lease stale, Consumer<Lease> ready, Consumer<FastCgiUnavailable.Reason> refused) {
        stale.connection().close();
        Thread.ofVirtual().name("tracegate-fastcgi-connect").start(() -> openBound(ready, refused));
    }

    @Override
    public void release(Lease lease, ExchangeReport report) {
        FastCgiConnection c = lease.connection();
        if (sendAhead && passedOn(c, report)) return;
        if (report != null && report.connectionKept() && c.reusable() && !closed) {
            synchronized (idle) {
                idle.push(c);
            }
        } else {
            c.close();
        }
        releaseSlot();
    }

    /**
     * sendAhead's part of giving {@code c} back: the script's time is noted ({@link #SLOW}), and when a request was
     * sent behind the one that ended, the slot passes to it. True then: the connection is not the pool's again yet.
     */
    private boolean passedOn(FastCgiConnection c, ExchangeReport report) {
        AheadSlot next;
        String script = c.sentScript;
        long ran = System.nanoTime() - c.sentNanos;
        c.sentScript = null;
        synchronized (lock) {
            hosting.remove(c);
            next = c.takeAhead();
            if (script != null) {
                if (ran > SLOW) slowScripts.put(script, Boolean.TRUE);
                else slowScripts.remove(script);
            }
        }
        if (next != null) {
            // The slot passes to the request sent behind this one: it runs on the connection now, or, the connection
            // closed, its first read fails and says so. It may be sent again only if the server cannot have started
            // it: the connection was kept, or lost before this request's END_REQUEST.
            boolean kept = report != null && report.connectionKept() && c.isOpen();
            if (!kept) c.close();
            next.over(kept || report != null && report.end() instanceof RequestEnd.ConnectionLost);
            return true;
        }
        return false;
    }

    private enum Taken { TAKEN, AHEAD, QUEUED, REFUSED }

    /**
     * Takes a slot at once, or room behind a running request, or queues {@code w}, or refuses it at once (told so)
     * when the queue is full.
     */
    private Taken take(Waiter w) {
        FastCgiUnavailable.Reason refuse = null;
        synchronized (lock) {
            if (closed) {
                refuse = new FastCgiUnavailable.Closed();
            } else if (leased < maxConnections && waiters.isEmpty()) {
                leased++;
                w.claimed.set(true);
                return Taken.TAKEN;
            } else if (w.mayGoAhead() && waiters.isEmpty() && roomAhead(w)) {
                w.claimed.set(true);
                return Taken.AHEAD;
            } else if (waiters.size() >= queueLength) {
                refuse = new FastCgiUnavailable.Busy(maxConnections, Duration.ZERO);
            } else {
                waiters.add(w);
                return Taken.QUEUED;
            }
        }
        w.claimed.set(true);
        w.refused(refuse);
        return Taken.REFUSED;
    }

    /** Gives {@code w} the room behind the running request of the first connection that has it; under lock. */
    private boolean roomAhead(Waiter w) {
        for (var it = hosting.iterator(); it.hasNext(); ) {
            FastCgiConnection c = it.next();
            it.remove();                                // taken now, or no longer able to take one
            AheadSlot slot = c.claimAhead();
            if (slot != null) {
                w.aheadOn = c;
                w.aheadSlot = slot;
                return true;
            }
        }
        return false;
    }

    /**
     * A request's records on {@code c} are written: the first request waiting goes behind it if it may, else
     * {@code c} has room for the next request to come ({@link #roomAhead}).
     */
    private void requestSent(FastCgiConnection c) {
        Waiter next = null;
        synchronized (lock) {
            if (closed || !c.isOpen() || !c.busy()) return;
            String script = c.sentScript;
            if (script != null && slowScripts.containsKey(script)) return;   // nothing goes behind a slow script
            Waiter w;
            while ((w = waiters.peek()) != null && w.mayGoAhead()) {
                if (w.claimed.get()) {                  // being cancelled: it leaves the queue itself
                    waiters.poll();
                    continue;
                }
                AheadSlot slot = c.claimAhead();
                if (slot == null) return;               // aborted meanwhile, or the request is over
                if (!w.claimed.compareAndSet(false, true)) {
                    c.takeAhead();                      // unused: nobody else can see it under the lock
                    waiters.poll();
                    continue;
                }
                waiters.poll();
                w.aheadOn = c;
                w.aheadSlot = slot;
                next = w;
                break;
            }
            if (next == null) hosting.add(c);
        }
        if (next != null) grant(next);
    }

    /** Takes {@code w} out of the queue if no slot was granted to it yet. */
    private boolean cancel(Waiter w) {
        if (!w.claimed.compareAndSet(false, true)) return false;
        synchronized (lock) {
            waiters.remove(w);
        }
        return true;
    }

    /** A slot is free: it goes to the first request waiting, or back to the pool. */
    private void releaseSlot() {
        Waiter next;
        synchronized (lock) {
            do {
                next = waiters.poll();
            } while (next != null && !next.claimed.compareAndSet(false, true));
            if (next == null) leased--;
        }
        if (next != null) grant(next);
    }

    private void grant(Waiter w) {
        ArrayDeque<Runnable> queued = GRANTING.get();
        if (queued != null) {
            queued.add(w::granted);
            return;
        }
        queued = new ArrayDeque<>();
        GRANTING.set(queued);
        try {
            w.granted();
            for (Runnable r; (r = queued.poll()) != null; ) r.run();
        } finally {
            GRANTING.remove();
        }
    }

    /** A kept connection's lease: the next of its requests. */
    private Lease kept(FastCgiConnection c) { return new Lease(c, -1, c.requestsStarted() + 1, false, addressText, null); }

    /** Connects on this thread for a slot already taken, waiting for the binding if any; on failure gives the slot back. */
    private Lease openBlocking() throws FastCgiUnavailable {
        CompletableFuture<Object> got = new CompletableFuture<>();
        openBound(got::complete, got::complete);
        Object o = got.join();
        if (o instanceof Lease l) return l;
        throw new FastCgiUnavailable((FastCgiUnavailable.Reason) o);
    }

    /** Connects (and binds, with a binder) for a slot already taken; on failure gives the slot back. */
    private void openBound(Consumer<Lease> ready, Consumer<FastCgiUnavailable.Reason> refused) {
        FastCgiConnection c;
        try {
            c = FastCgiConnection.open(address, connectTimeout);
        } catch (FastCgiConnectException e) {
            releaseSlot();
            refused.accept(new FastCgiUnavailable.Unreachable(addressText, e.errnoName(), e.getMessage()));
            return;
        }
        Lease lease = new Lease(c, -1, 1, true, addressText, null);
        if (sendAhead) c.onRequestSent(this::requestSent);
        if (binder == null) {
            ready.accept(lease);
            return;
        }
        try {
            binder.bind(c.nonBlockingChannel(), t -> {
                c.bind(t);
                ready.accept(lease);
            }, failure -> notBound(c, refused, "EBIND", "the server could not take the connection: " + failure));
        } catch (IOException e) {
            notBound(c, refused, SocketErrors.errnoName(e), SocketErrors.detail(e));
        } catch (RuntimeException e) {                 // the server's selector is gone: it is stopping
            notBound(c, refused, "EBIND", "the server could not take the connection: " + e);
        }
    }

    /** A connection the server's event loop could not take: closed, its slot given back, the request refused. */
    private void notBound(FastCgiConnection c, Consumer<FastCgiUnavailable.Reason> refused, String errno, String detail) {
        c.close();
        releaseSlot();
        refused.accept(new FastCgiUnavailable.Unreachable(addressText, errno, detail));
    }

    private FastCgiConnection takeIdle() {
        synchronized (idle) {
            while (!idle.isEmpty()) {
                FastCgiConnection c = idle.pop();
                if (c.reusable()) return c;
                c.close();
            }
            return null;
        }
    }

    @Override
    public Occupancy occupancy() {
        synchronized (lock) {
            return new Occupancy(leased, idleCount(), waiters.size(), null, null);
        }
    }

    /** Connections open now, idle ones included. */
    public int open() {
        synchronized (lock) {
            return leased + idleCount();
        }
    }

    /** Requests waiting for a connection now. */
    public int queued() {
        synchronized (lock) {
            return waiters.size();
        }
    }

    public int idleCount() {
        synchronized (idle) {
            return idle.size();
        }
    }

    @Override
    public String describe() { return addressText; }

    /** Closes the idle connections and refuses the requests still waiting. */
    @Override
    public void close() {
        Deque<Waiter> left;
        synchronized (lock) {
            closed = true;
            left = new ArrayDeque<>(waiters);
            waiters.clear();
            hosting.clear();
        }
        for (Waiter w : left) {
            // The server is stopping (503 SHUTTING_DOWN), not the pool too small: no "none freed up within 0 s".
            if (w.claimed.compareAndSet(false, true)) w.refused(new FastCgiUnavailable.Closed());
        }
        synchronized (idle) {
            for (FastCgiConnection c : idle) c.close();
            idle.clear();
        }
    }
}
