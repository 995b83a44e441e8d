package io.runnel.examples.bank;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.runnel.log.Serde;
import io.runnel.log.SerializationException;

/**
 * What happened to an account: the events the bank appends to its log, one per accepted
 * operation, and replays on startup. An event is stored as the text of the command that caused
 * it ({@code deposit alice 100}), keyed by {@link #account()}, so that all the events of an
 * account land in one partition, in order.
 *
 * <p>Instances are immutable and thread-safe.
 */
public sealed interface BankEvent {

    /**
     * The account the event belongs to: the key of its record.
     *
     * @return the account name
     */
    String account();

    /**
     * The event as text, the same as the command that causes it.
     *
     * @return for example {@code transfer alice bob 30}
     */
    String text();

    /**
     * An account was opened, with a balance of 0.
     *
     * @param account the account
     */
    record Opened(String account) implements BankEvent {
        /**
         * Checks the account name.
         *
         * @param account the account
         */
        public Opened {
            checkName(account);
        }

        @Override
        public String text() {
            return "open " + account;
        }
    }

    /**
     * Money was paid into an account.
     *
     * @param account the account
     * @param amount  the amount, above 0
     */
    record Deposited(String account, long amount) implements BankEvent {
        /**
         * Checks the account name and the amount.
         *
         * @param account the account
         * @param amount  the amount
         */
        public Deposited {
            checkName(account);
            checkAmount(amount);
        }

        @Override
        public String text() {
            return "deposit " + account + " " + amount;
        }
    }

    /**
     * Money was taken out of an account.
     *
     * @param account the account
     * @param amount  the amount, above 0
     */
    record Withdrawn(String account, long amount) implements BankEvent {
        /**
         * Checks the account name and the amount.
         *
         * @param account the account
         * @param amount  the amount
         */
        public Withdrawn {
            checkName(account);
            checkAmount(amount);
        }

        @Override
        public String text() {
            return "withdraw " + account + " " + amount;
        }
    }

    /**
     * Money moved from one account to another. Keyed by the account it left, so it is ordered
     * with that account's other events.
     *
     * @param account the account the money left
     * @param to      the account it went to
     * @param amount  the amount, above 0
     */
    record Transferred(String account, String to, long amount) implements BankEvent {
        /**
         * Checks the account names and the amount.
         *
         * @param account the account the money left
         * @param to      the account it went to
         * @param amount  the amount
         */
        public Transferred {
            checkName(account);
            checkName(to);
            checkAmount(amount);
        }

        @Override
        public String text() {
            return "transfer " + account + " " + to + " " + amount;
        }
    }

    /** Turns events into UTF-8 text and back. */
    Serde<BankEvent> SERDE = new Serde<>() {
        @Override
        public byte[] serialize(BankEvent event) {
            return event == null ? null : event.text().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public BankEvent deserialize(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new SerializationException("not a bank event: " + text, e);
            }
        }
    };

    /**
     * Parses an event, or the command that causes it: {@code open A}, {@code deposit A N},
     * {@code withdraw A N}, {@code transfer A B N}.
     *
     * @param text the text
     * @return the event
     * @throws IllegalArgumentException if the text is not one of those
     */
    static BankEvent parse(String text) {
        String[] w = text.trim().split("\\s+");
        switch (w[0]) {
            case "open":
                expectWords(w, 2, "open ACCOUNT");
                return new Opened(w[1]);
            case "deposit":
                expectWords(w, 3, "deposit ACCOUNT AMOUNT");
                return new Deposited(w[1], amount(w[2]));
            case "withdraw":
                expectWords(w, 3, "withdraw ACCOUNT AMOUNT");
                return new Withdrawn(w[1], amount(w[2]));
            case "transfer":
                expectWords(w, 4, "transfer FROM TO AMOUNT");
                return new Transferred(w[1], w[2], amount(w[3]));
            default:
                throw new IllegalArgumentException("unknown operation '" + w[0]
                        + "'; expected open, deposit, withdraw or transfer");
        }
    }

    private static void expectWords(String[] words, int count, String usage) {
        if (words.length != count) {
            throw new IllegalArgumentException("expected: " + usage);
        }
    }

    private static long amount(String word) {
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount '" + word + "' is not a whole number", e);
        }
    }

    private static void checkName(String account) {
        Objects.requireNonNull(account, "account");
        if (!account.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("account name '" + account
                    + "' is not 1 to 64 letters, digits, '_' or '-'");
        }
    }

    private static void checkAmount(long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be above 0, was " + amount);
        }
    }
}
