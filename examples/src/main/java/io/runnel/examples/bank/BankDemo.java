package io.runnel.examples.bank;

import java.nio.file.Path;
import java.util.List;

import io.runnel.log.ReplayResult;

/**
 * The README's demo: an event-sourced bank that rebuilds its balances from its log on every start.
 * Each run opens the bank (replaying the log), makes the same few operations (each appended to
 * the log as an event before it is applied; a refused one appends nothing) and prints the
 * balances. Run it again: the balances are rebuilt by replay, and the operations add to them.
 *
 * <p>Usage: {@code BankDemo [log directory]} (default {@code target/runnel-bank}). For a bank
 * that takes commands, and can be killed and restarted, see {@link BankShell}.
 *
 * <p>Not thread-safe: a single-threaded program.
 */
public final class BankDemo {
    /** The operations of each run. */
    private static final List<String> SCRIPT = List.of(
            "open alice",
            "open bob",
            "deposit alice 100",
            "transfer alice bob 30",
            "withdraw bob 10",
            "withdraw bob 1000");

    private BankDemo() {
    }

    /**
     * Runs the demo.
     *
     * @param args optional log directory
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/runnel-bank").toAbsolutePath();
        System.out.println("log directory: " + dir);
        try (Bank bank = Bank.open(dir)) {
            ReplayResult r = bank.rebuilt();
            System.out.printf("rebuilt %d accounts from %d events by replay in %d ms: %s%n", bank.balances().size(),
                    r.records(), r.duration().toMillis(), bank.balances());
            for (String command : SCRIPT) {
                String outcome;
                try {
                    BankEvent operation = BankEvent.parse(command);
                    bank.execute(operation);
                    outcome = "ok, " + operation.account() + " = " + bank.balance(operation.account());
                    if (operation instanceof BankEvent.Transferred t) {
                        outcome += ", " + t.to() + " = " + bank.balance(t.to());
                    }
                } catch (Bank.RejectedException e) {
                    outcome = "refused: " + e.getMessage();
                }
                System.out.printf("%-22s -> %s%n", command, outcome);
            }
            System.out.println("balances: " + bank.balances());
        }
        System.out.println("Run it again: the next run rebuilds these balances from the log.");
    }
}
