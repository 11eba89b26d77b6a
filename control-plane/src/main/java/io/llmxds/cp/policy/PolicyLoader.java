package io.llmxds.cp.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Loads a policy bundle (a directory, or a store's keys: {@link BundleSource}) into a {@link PolicyBundle}. This is
 * the I/O edge of the policy stage: it reads the policy documents and the files they name (secrets, CA
 * certificates); everything else is a pure function of what was read. Bad input never throws: every problem in
 * every file is collected, and one bad document rejects the whole bundle.
 */
public final class PolicyLoader {

  private static final Comparator<PolicyError> BY_POSITION = Comparator.comparing(PolicyError::file)
      .thenComparingInt(PolicyError::line)
      .thenComparingInt(PolicyError::column)
      .thenComparing(PolicyError::path)
      .thenComparing(PolicyError::reason);

  private PolicyLoader() {}

  public static LoadResult load(Path dir) {
    return load(new DirectoryBundle(dir));
  }

  public static LoadResult load(BundleSource source) {
    List<String> names;
    try {
      names = source.documentNames();
    } catch (IOException e) {
      return new LoadResult.Rejected(List.of(new PolicyError(
          ".", 0, 0, "(policy directory)", "cannot read " + source.location() + ": " + IoProblems.describe(e))));
    }
    List<PolicyError> errors = new ArrayList<>();
    ReferencedFiles referenced = new BundleFiles(source);
    List<Declared> declared = new ArrayList<>();
    boolean complete = true;
    for (String name : names) {
      String text;
      try {
        text = source.document(name);
      } catch (IOException e) {
        errors.add(new PolicyError(name, 0, 0, "(file)", "cannot read: " + IoProblems.describe(e)));
        complete = false;
        continue;
      }
      YamlDocuments.Parsed parsed = YamlDocuments.parse(name, text);
      parsed.syntaxError().ifPresent(errors::add);
      complete &= parsed.syntaxError().isEmpty();
      for (YamlDocuments.Document document : parsed.documents()) {
        DocumentDecoder.decode(name, document, errors, referenced).ifPresent(declared::add);
      }
    }
    // documents that could not be read may define what others refer to: bundle-wide checks would only add noise
    if (complete) {
      BundleChecks.check(declared, names, errors);
    }
    if (!errors.isEmpty()) {
      return new LoadResult.Rejected(errors.stream().sorted(BY_POSITION).toList());
    }
    return new LoadResult.Loaded(BundleAssembler.assemble(declared), source.localInputs());
  }
}
