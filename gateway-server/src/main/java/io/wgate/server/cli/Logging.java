package io.wgate.server.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log output on standard error (System.Logger routes to java.util.logging): timestamp,
 * level, logger and message. The level comes from {@code LOG_LEVEL} as with wireguard-go
 * ({@code silent}, {@code error}, {@code info}, {@code verbose}/{@code debug}).
 */
public final class Logging {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

    private Logging() {
    }

    /**
     * Loggers whose level is set here: held, because {@code java.util.logging} keeps loggers only weakly and a
     * collected one would come back without its level.
     */
    private static final Logger NETTY = Logger.getLogger("io.netty");
    private static final Logger PROCESS_BUILDER = Logger.getLogger("java.lang.ProcessBuilder");

    /** Installs the format and the level named by {@code LOG_LEVEL} (default {@code info}). */
    public static void configure() {
        configure(System.getenv("LOG_LEVEL"));
    }

    /** Installs the format and {@code levelName} (default {@code info}). */
    public static void configure(String levelName) {
        configure(levelName, Level.INFO);
    }

    /**
     * Installs the format and {@code levelName}, or {@code whenUnset} where it is null or blank: a command that
     * only waits for a background gateway ({@code wgate up}) shows warnings and errors, not the start's INFO lines.
     */
    public static void configure(String levelName, Level whenUnset) {
        Level level = levelName == null || levelName.isBlank() ? whenUnset : parse(levelName);
        Logger root = Logger.getLogger("");
        for (var handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(OneLine.INSTANCE);
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
        // Netty's start-up details and the JDK's process launching log at DEBUG; keep them out of "verbose".
        Level quiet = level.intValue() < Level.INFO.intValue() ? Level.INFO : level;
        NETTY.setLevel(quiet);
        PROCESS_BUILDER.setLevel(quiet);
    }

    /**
     * Whether the log keeps working while a shutdown hook runs: the logging manager is
     * {@link WgateLogManager}, as {@code Main} asks before anything initialises logging.
     */
    public static boolean keepsShutdownLogs() {
        return java.util.logging.LogManager.getLogManager() instanceof WgateLogManager;
    }

    static Level parse(String name) {
        if (name == null || name.isBlank()) {
            return Level.INFO;
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "silent", "off" -> Level.OFF;
            case "error" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "verbose", "debug" -> Level.FINE;
            default -> throw new IllegalArgumentException("LOG_LEVEL must be silent, error, warning, info or verbose,"
                    + " not '" + name + "'");
        };
    }

    /** One record as the log shows it: {@code 2026-12-06T06:05:33.123Z INFO Gateway: wg0: up}. */
    static String line(LogRecord r) {
        return OneLine.INSTANCE.format(r);
    }

    private static final class OneLine extends Formatter {
        static final OneLine INSTANCE = new OneLine();

        @Override
        public String formatMessage(LogRecord r) {
            Object[] params = r.getParameters();
            if (r.getResourceBundle() == null && params != null && params.length > 0 && hasArgument(r.getMessage())) {
                String plain = LogMessage.format(r.getMessage(), params);
                if (plain != null) {
                    return plain;
                }
            }
            return super.formatMessage(r);
        }

        /** Where {@link Formatter#formatMessage} would use MessageFormat (else the message is shown as it is). */
        private static boolean hasArgument(String message) {
            return message != null && (message.contains("{0") || message.contains("{1") || message.contains("{2")
                    || message.contains("{3"));
        }

        @Override
        public String format(LogRecord r) {
            String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
            logger = logger.substring(logger.lastIndexOf('.') + 1);
            StringBuilder line = new StringBuilder(128)
                    .append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ')
                    .append(r.getLevel().getName()).append(' ')
                    .append(logger).append(": ")
                    .append(formatMessage(r)).append('\n');
            if (r.getThrown() != null && r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                line.append("  caused by ").append(r.getThrown()).append('\n');
            }
            return line.toString();
        }
    }
}
