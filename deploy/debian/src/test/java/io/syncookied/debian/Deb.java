package io.syncookied.debian;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** One built .deb, read with dpkg-deb. */
record Deb(Path file, String name) {

	/** The directory build-debs.sh wrote (Maven passes it; the module's target/debs otherwise). */
	static Path dir() {
		return Path.of(System.getProperty("syncookied.debs", "target/debs"));
	}

	/** The source tree's root. */
	static Path sourceRoot() {
		return Path.of(System.getProperty("syncookied.root", "../..")).toAbsolutePath().normalize();
	}

	static final List<String> NAMES = List.of("syncookied-control-plane", "syncookied-dataplane", "syncookied-agent",
			"tcpsecrets-dkms");

	static List<Deb> all() {
		List<Deb> debs = new ArrayList<>();
		for (String n : NAMES) {
			debs.add(named(n));
		}
		return debs;
	}

	static Deb named(String name) {
		try (Stream<Path> files = Files.list(dir())) {
			List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(name + "_")
					&& f.getFileName().toString().endsWith(".deb")).toList();
			if (found.size() != 1) {
				throw new AssertionError("expected one " + name + "_*.deb in " + dir() + ", found " + found
						+ " (./mvnw -pl deploy/debian -am package builds them)");
			}
			return new Deb(found.get(0), name);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	String field(String name) {
		return Command.run("dpkg-deb", "-f", this.file.toString(), name).ok().out().strip();
	}

	/** Every entry of the data archive, "./usr/bin/x" -> its "dpkg-deb -c" line (mode, owner, size, date). */
	Map<String, String> contents() {
		Map<String, String> entries = new TreeMap<>();
		for (String line : Command.run("dpkg-deb", "-c", this.file.toString()).ok().out().split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			String path = line.substring(line.indexOf(" ./") + 1);
			int arrow = path.indexOf(" -> ");
			entries.put(stripSlash(arrow >= 0 ? path.substring(0, arrow) : path), line);
		}
		return entries;
	}

	/** The regular files installed, as absolute paths ("/usr/bin/x"). */
	List<String> files() {
		return contents().entrySet().stream().filter(e -> e.getValue().startsWith("-")).map(e -> e.getKey()
			.substring(1)).toList();
	}

	/** A control-archive member (control, conffiles, postinst...), if the package has it. */
	Optional<String> control(String member) {
		try {
			Path dir = Files.createTempDirectory("deb-control");
			try {
				Command.run("dpkg-deb", "-e", this.file.toString(), dir.toString()).ok();
				Path f = dir.resolve(member);
				return Files.exists(f) ? Optional.of(Files.readString(f)) : Optional.empty();
			}
			finally {
				Command.run("rm", "-rf", dir.toString());
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** A file's content from the data archive. */
	String read(String absolutePath) {
		return Command.run("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xOf - \".$2\"", "sh",
				this.file.toString(), absolutePath).ok().out();
	}

	private static String stripSlash(String p) {
		return (p.length() > 2 && p.endsWith("/")) ? p.substring(0, p.length() - 1) : p;
	}

}
