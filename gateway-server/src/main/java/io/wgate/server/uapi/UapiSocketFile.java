package io.wgate.server.uapi;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The file-system side of a UAPI socket (https://www.wireguard.com/xplatform/): the directory
 * ({@code /var/run/wireguard}, created 0755 if missing), the name {@code <ifname>.sock}, telling a stale
 * socket from a live one, and publishing a new socket with mode 0600 without a window in which it is
 * reachable with looser permissions.
 *
 * <p>Publishing: the server binds inside a fresh private (0700) directory, sets the socket to 0600,
 * then hard-links it to its public name. {@code link(2)} fails when the name exists, so two processes
 * starting the same interface cannot replace each other's socket. (wireguard-go sets the process umask
 * instead, which a JVM cannot do safely with other threads running.)
 */
final class UapiSocketFile {

    /** wireguard-tools' {@code RUNSTATEDIR "/wireguard/"}: where {@code wg} looks for sockets. */
    static final Path DEFAULT_DIRECTORY = Path.of("/var/run/wireguard");
    /** Suffix of a socket's file name. */
    static final String SUFFIX = ".sock";
    /** Linux {@code IFNAMSIZ} minus the terminating NUL. */
    static final int MAX_INTERFACE_NAME_LENGTH = 15;
    /** {@code sizeof(sockaddr_un.sun_path)} minus the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    /** {@code S_IFMT} and {@code S_IFSOCK} from {@code <sys/stat.h>}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UapiSocketFile() {
    }

    /**
     * Checks a Linux interface name as the kernel's {@code dev_valid_name} does: 1..15 bytes, not
     * {@code .} or {@code ..}, no {@code /}, {@code :} or white space.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static String checkInterfaceName(String name) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_INTERFACE_NAME_LENGTH) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1.." + MAX_INTERFACE_NAME_LENGTH
                    + " bytes long");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' is not allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x20) {
                throw new IllegalArgumentException("interface name '" + name
                        + "' must not contain '/', ':', white space or control characters");
            }
        }
        return name;
    }

    /** {@code <directory>/<name>.sock}. */
    static Path pathFor(Path directory, String interfaceName) {
        return directory.resolve(checkInterfaceName(interfaceName) + SUFFIX);
    }

    /** Creates {@code directory} with mode 0755 if it does not exist (parents as needed). */
    static void ensureDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Makes way for a new socket at {@code socket}: nothing to do if the name is free; a stale socket
     * (nobody listening) is deleted; a live one or a file of another type is an error.
     *
     * @throws FileAlreadyExistsException "interface NAME is already in use by another process", or the
     *     name is taken by something that is not a socket
     */
    static void clearStale(Path socket, String interfaceName) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(socket)) {
            throw new FileAlreadyExistsException(socket.toString(), null,
                    "exists and is not a socket; remove it to start interface " + interfaceName);
        }
        if (isListening(socket)) {
            throw inUse(socket, interfaceName);
        }
        Files.deleteIfExists(socket);
    }

    /** Whether {@code path} is a socket ({@code S_ISSOCK}), without following links; false if it is gone. */
    static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether a process accepts connections on {@code socket}, as {@code wg} decides it: connecting
     * succeeds (live) or is refused (stale, nobody listening).
     *
     * @throws IOException when neither can be told (for example no permission to connect)
     */
    static boolean isListening(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            throw new IOException("cannot tell whether " + socket + " is in use: " + e.getMessage(), e);
        }
    }

    /** A private (0700) directory inside {@code directory} to bind the socket in before publishing it. */
    static Path createStagingDirectory(Path directory, String interfaceName) throws IOException {
        Path staging = Files.createTempDirectory(directory, "." + interfaceName + ".",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path probe = staging.resolve("s");
        if (probe.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            Files.delete(staging);
            throw new IOException("socket path " + probe + " is longer than the " + MAX_SOCKET_PATH_BYTES
                    + " bytes a Unix socket address holds");
        }
        return staging;
    }

    /**
     * Sets {@code bound} (a just-bound socket in a staging directory) to mode 0600 and links it to
     * {@code socket}. A stale socket that appeared in the meantime is replaced once; a live one is an
     * error.
     *
     * @return the file key (device and inode) of the published socket, to recognise it later
     */
    static Object publish(Path bound, Path socket, String interfaceName) throws IOException {
        Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
        try {
            Files.createLink(socket, bound);
        } catch (FileAlreadyExistsException e) {
            clearStale(socket, interfaceName);
            try {
                Files.createLink(socket, bound);
            } catch (FileAlreadyExistsException again) {
                throw inUse(socket, interfaceName);
            }
        }
        return fileKey(socket);
    }

    /** The file key (device and inode) of {@code path} without following links, or null if it is gone. */
    static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes {@code path} if it is still the file with {@code key}, so another process's socket is left alone. */
    static boolean deleteIfOurs(Path path, Object key) {
        if (key == null || !key.equals(fileKey(path))) {
            return false;
        }
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            return false;
        }
    }

    private static FileAlreadyExistsException inUse(Path socket, String interfaceName) {
        return new FileAlreadyExistsException(socket.toString(), null,
                "interface " + interfaceName + " is already in use by another process");
    }
}
