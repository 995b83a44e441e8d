package io.runnel.examples.bank;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import io.runnel.log.ReplayResult;

/**
 * The bank as a small service that takes commands on standard input, one per line, and answers
 * each on standard output with one line: {@code ok ...} once the operation's event is in the log,
 * {@code refused: ...}, or {@code error: ...}. Kill it at any moment (even with {@code kill -9})
 * and start it again: it rebuilds every balance that an {@code ok} reported.
 *
 * <pre>
 * open ACCOUNT | deposit ACCOUNT AMOUNT | withdraw ACCOUNT AMOUNT | transfer FROM TO AMOUNT
 * balance ACCOUNT | balances | quit
 * </pre>
 *
 * <p>It stops at {@code quit} or at the end of the input, closing the log.
 *
 * <p>Usage: {@code BankShell [log directory]} (default {@code target/runnel-bank}).
 *
 * <p>Not thread-safe: a single-threaded program.
 */
public final class BankShell {
    private BankShell() {
    }

    /**
     * Runs the shell.
     *
     * @param args optional log directory
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/runnel-bank").toAbsolutePath();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Bank bank = Bank.open(dir);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            ReplayResult r = bank.rebuilt();
            out.printf("ready: rebuilt %d accounts from %d events by replay in %d ms (log in %s)%n",
                    bank.balances().size(), r.records(), r.duration().toMillis(), dir);
            out.println("commands: open A | deposit A N | withdraw A N | transfer A B N | balance A | balances | quit");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                line = line.trim();
                if (line.equals("quit")) {
                    break;
                }
                if (!line.isEmpty()) {
                    out.println(answer(bank, line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one command; the answer is printed only after its event is in the log. */
    private static String answer(Bank bank, String line) {
        try {
            if (line.equals("balances")) {
                return "balances " + render(bank.balances());
            }
            if (line.startsWith("balance ")) {
                String account = line.substring("balance ".length()).trim();
                return "balance " + account + "=" + bank.balance(account);
            }
            BankEvent operation = BankEvent.parse(line);
            bank.execute(operation);
            return "ok " + operation.account() + "=" + bank.balance(operation.account());
        } catch (Bank.RejectedException e) {
            return "refused: " + e.getMessage();
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
    }

    /**
     * Balances as {@code alice=70 bob=20}, sorted by account.
     *
     * @param balances the balances
     * @return the text
     */
    static String render(Map<String, Long> balances) {
        return balances.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
