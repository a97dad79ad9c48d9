package dev.container.cli;

import dev.container.deploy.PasswordHashing;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code container hash-password}: prints the hash of a password for the users file, as
 * {@code caddy hash-password} does. At a terminal it asks twice without echo (java.io.Console);
 * otherwise it reads one line from standard input. argon2id by default (see
 * {@link PasswordHashing} for the parameters and why), bcrypt on request.
 */
@Command(name = "hash-password",
        mixinStandardHelpOptions = true,
        description = {"Prints the hash of a password, for a line of the users file (--users): "
                + "name = HASH, role1, role2.",
                "At a terminal it asks for the password twice, without echo; otherwise it reads one line from "
                + "standard input. The hash is argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane, "
                + "16-byte salt): $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH."},
        footer = {"", "Examples:", "  container hash-password",
                "  printf '%%s\\n' \"$PASSWORD\" | container hash-password",
                "  container hash-password --algorithm bcrypt"})
final class HashPasswordCommand implements Callable<Integer> {
    /** Longer than any password; a bound on what is read from a pipe. */
    private static final int MAX_BYTES = 4096;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--algorithm", paramLabel = "ALGORITHM", defaultValue = "argon2id",
            description = "argon2id (default) or bcrypt ($2b$, cost " + PasswordHashing.BCRYPT_COST
                    + "; only the first 72 bytes of a password count).")
    private Algorithm algorithm;

    private final InputStream in;
    private final Supplier<Console> console;

    enum Algorithm { argon2id, bcrypt }

    HashPasswordCommand() {
        this(System.in, System::console);
    }

    /** @param console the terminal, or null when there is none (then the password comes from in) */
    HashPasswordCommand(InputStream in, Supplier<Console> console) {
        this.in = in;
        this.console = console;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] password;
        try {
            password = read();
        } catch (Problem e) {
            err.println("container: hash-password: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        try {
            if (password.length == 0) {
                err.println("container: hash-password: the password is empty");
                return CommandLine.ExitCode.USAGE;
            }
            SecureRandom random = new SecureRandom();
            if (algorithm == Algorithm.bcrypt) {
                if (password.length > PasswordHashing.BCRYPT_MAX_BYTES) {
                    err.println("container: hash-password: bcrypt reads only the first " + PasswordHashing.BCRYPT_MAX_BYTES
                            + " bytes of a password and this one has " + password.length + "; use argon2id");
                    return CommandLine.ExitCode.USAGE;
                }
                out.println(PasswordHashing.bcrypt(password, random).hash());
            } else {
                out.println(PasswordHashing.argon2id(password, random).encoded());
            }
            out.flush();
            return CommandLine.ExitCode.OK;
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private byte[] read() throws Problem {
        Console terminal = console.get();
        if (terminal == null) {
            return line();
        }
        char[] first = terminal.readPassword("Password: ");
        char[] second = first == null ? null : terminal.readPassword("Again: ");
        try {
            if (first == null || second == null) {
                throw new Problem("no password given");
            }
            if (!Arrays.equals(first, second)) {
                throw new Problem("the two passwords differ");
            }
            return utf8(first);
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** One line of standard input, without its line end, checked to be UTF-8 (the encoding logins use). */
    private byte[] line() throws Problem {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (bytes.size() == MAX_BYTES) {
                    throw new Problem("the password is longer than " + MAX_BYTES + " bytes");
                }
                bytes.write(b);
            }
            if (b < 0 && bytes.size() == 0) {
                throw new Problem("no password on standard input (give one line, or run it at a terminal)");
            }
        } catch (IOException e) {
            throw new Problem("cannot read standard input: " + e.getMessage());
        }
        byte[] line = bytes.toByteArray();
        int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
        byte[] password = Arrays.copyOf(line, length);
        Arrays.fill(line, (byte) 0);
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            Arrays.fill(password, (byte) 0);
            throw new Problem("the password is not UTF-8 text (logins send it as UTF-8)");
        }
        return password;
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
        Arrays.fill(encoded.array(), (byte) 0);
        return bytes;
    }

    /** Bad input: one line for the user. */
    private static final class Problem extends Exception {
        Problem(String message) {
            super(message, null, false, false);
        }
    }
}
