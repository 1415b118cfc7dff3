package io.anomstack.modelstore.policy;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The batch files in the policy directory: every {@code *.yaml} and {@code *.yml} file at any depth, in path order,
 * skipping hidden files and folders (names starting with a dot) and every other file.
 *
 * @param directory the policy directory ({@code MODELSTORE_BATCHES_DIR})
 * @param paths     the batch files, sorted by path
 * @param problems  the folders and files that could not be read, one sentence each
 */
record BatchPolicyFiles(Path directory, List<Path> paths, List<String> problems) {

    BatchPolicyFiles {
        Objects.requireNonNull(directory, "directory");
        paths = List.copyOf(paths);
        problems = List.copyOf(problems);
    }

    /**
     * Finds the batch files below {@code directory}, following links.
     *
     * @throws InvalidBatchPoliciesException when the directory does not exist or is not a directory
     */
    static BatchPolicyFiles find(Path directory) {
        if (!Files.exists(directory)) {
            throw new InvalidBatchPoliciesException(null, List.of("The batch policy directory '" + directory
                    + "' (MODELSTORE_BATCHES_DIR) does not exist; create it, correct the path, or leave the variable unset."));
        }
        if (!Files.isDirectory(directory)) {
            throw new InvalidBatchPoliciesException(null, List.of("The batch policy path '" + directory
                    + "' (MODELSTORE_BATCHES_DIR) is not a directory; point it at the directory that holds the batch YAML files."));
        }
        List<Path> paths = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            Files.walkFileTree(directory, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.equals(directory) || !hidden(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !hidden(file) && isYaml(file)) {
                        paths.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    if (!hidden(file)) {
                        problems.add(file + ": " + (e instanceof FileSystemLoopException
                                ? "this folder links back to one of its parents, so it is not read; remove the link."
                                : "cannot be read (" + ProblemText.describe(e) + "); check its permissions."));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add(directory + ": cannot be read (" + ProblemText.describe(e) + "); check its permissions.");
        }
        paths.sort(Comparator.comparing(Path::toString));
        return new BatchPolicyFiles(directory, paths, problems);
    }

    private static boolean hidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }
}
