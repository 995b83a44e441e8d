package io.runnel.examples.bank;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.runnel.log.CommitLog;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.ReplayResult;
import io.runnel.log.Serdes;

/**
 * An event-sourced bank: the balances live in memory, and the log of {@link BankEvent}s is the
 * only thing stored. Each operation is checked against the balances, appended to the log as an
 * event, and only then applied in memory; {@link #open(Path)} rebuilds the balances by replaying
 * the log. So an operation that returned normally (acknowledged) is in the log and survives a
 * crash of the process, even {@code kill -9}, and a crash never leaves a balance the log does not
 * explain.
 *
 * <p>The events of an account are keyed by it, so they sit in one partition in the order they
 * happened, and a replay hands them over in that order. Across partitions a replay gives no
 * order, and none is needed: applying an event only adds to or takes from balances, so the sum is
 * the same in any order. (A transfer into an account may be replayed before that account's
 * {@code open}: {@link #apply} creates the entry on the first event it sees for an account.)
 * The operations are checked when they are made, never again on replay: an event is a fact.
 *
 * <p>Thread-safe: operations are serialised on the bank.
 */
public final class Bank implements AutoCloseable {
    /** The topic of the events. */
    public static final String TOPIC = "bank-events";
    /** Partitions of the topic: accounts are spread over them by key. */
    static final int PARTITIONS = 4;

    private final CommitLog log;
    private final Producer<String, BankEvent> producer;
    private final Map<String, Long> balances = new TreeMap<>();
    private final ReplayResult rebuilt;

    /**
     * Thrown when an operation is refused: nothing was appended and nothing changed.
     *
     * <p>Instances are immutable and thread-safe.
     */
    public static final class RejectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RejectedException(String reason) {
            super(reason);
        }
    }

    private Bank(CommitLog log) {
        this.log = log;
        log.topic(TOPIC).orElseGet(() -> log.createTopic(TOPIC, PARTITIONS));
        // Rebuild the balances: every event ever appended, each partition in order.
        this.rebuilt = log.replay(TOPIC, Serdes.string(), BankEvent.SERDE, record -> apply(record.value()));
        this.producer = log.producer(Serdes.string(), BankEvent.SERDE);
    }

    /**
     * Opens the bank whose log is in {@code dir} (creating it when it is new) and rebuilds its
     * balances by replaying the log.
     *
     * @param dir the log directory
     * @return the bank, which the caller closes
     */
    public static Bank open(Path dir) {
        CommitLog log = CommitLog.open(dir);
        try {
            return new Bank(log);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /**
     * What the replay on {@link #open(Path)} did.
     *
     * @return the number of events replayed, how long it took, and where the log ended
     */
    public ReplayResult rebuilt() {
        return rebuilt;
    }

    /**
     * Checks an operation, appends its event and applies it. When this returns, the event is in
     * the log (in the operating system: a crash of the process cannot lose it).
     *
     * @param operation the operation: the event it will become
     * @throws RejectedException if the operation is not allowed (nothing was appended)
     */
    public synchronized void execute(BankEvent operation) {
        check(operation);
        producer.send(ProducerRecord.of(TOPIC, operation.account(), operation)).join();
        apply(operation);
    }

    private void check(BankEvent operation) {
        if (operation instanceof BankEvent.Opened o) {
            if (balances.containsKey(o.account())) {
                throw new RejectedException("account " + o.account() + " is already open");
            }
        } else if (operation instanceof BankEvent.Deposited d) {
            requireOpen(d.account());
        } else if (operation instanceof BankEvent.Withdrawn w) {
            requireFunds(w.account(), w.amount());
        } else if (operation instanceof BankEvent.Transferred t) {
            requireOpen(t.to());
            if (t.to().equals(t.account())) {
                throw new RejectedException("cannot transfer from " + t.account() + " to itself");
            }
            requireFunds(t.account(), t.amount());
        } else {
            throw new IllegalArgumentException("unknown operation " + operation);
        }
    }

    private void requireOpen(String account) {
        if (!balances.containsKey(account)) {
            throw new RejectedException("no account " + account);
        }
    }

    private void requireFunds(String account, long amount) {
        requireOpen(account);
        long balance = balances.get(account);
        if (balance < amount) {
            throw new RejectedException(account + " has " + balance + ", cannot take " + amount);
        }
    }

    /** Applies an event to the balances; the same code runs for new events and on replay. */
    private void apply(BankEvent event) {
        if (event instanceof BankEvent.Opened o) {
            balances.putIfAbsent(o.account(), 0L);
        } else if (event instanceof BankEvent.Deposited d) {
            balances.merge(d.account(), d.amount(), Long::sum);
        } else if (event instanceof BankEvent.Withdrawn w) {
            balances.merge(w.account(), -w.amount(), Long::sum);
        } else if (event instanceof BankEvent.Transferred t) {
            balances.merge(t.account(), -t.amount(), Long::sum);
            balances.merge(t.to(), t.amount(), Long::sum);
        } else {
            throw new IllegalArgumentException("unknown event " + event);
        }
    }

    /**
     * The balance of an account.
     *
     * @param account the account
     * @return its balance
     * @throws RejectedException if there is no such account
     */
    public synchronized long balance(String account) {
        requireOpen(account);
        return balances.get(account);
    }

    /**
     * Every account's balance.
     *
     * @return a copy, sorted by account name
     */
    public synchronized Map<String, Long> balances() {
        return new TreeMap<>(balances);
    }

    /** Closes the log (nothing is lost if this is never called: every event is already in it). */
    @Override
    public synchronized void close() {
        producer.close();
        log.close();
    }
}
