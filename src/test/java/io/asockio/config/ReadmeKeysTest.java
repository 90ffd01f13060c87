package io.asockio.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README's key table lists exactly the keys the config accepts: no key undocumented, no documented key that does not exist. */
class ReadmeKeysTest {

  private static final Pattern ALTERNATIVES = Pattern.compile("\\(([^()]*)\\)");

  @Test
  void theKeyTableListsExactlyTheKeysTheCodeAccepts() throws IOException {
    Set<String> documented = documentedKeys(Files.readString(Path.of("README.md")));
    Set<String> accepted = new TreeSet<>(AsockioConfig.keyPaths());
    Set<String> undocumented = new TreeSet<>(accepted);
    undocumented.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(accepted);
    assertTrue(undocumented.isEmpty() && unknown.isEmpty(),
        "keys the code accepts but README does not list: " + undocumented + "; keys README lists that the code does not accept: " + unknown);
    assertEquals(accepted.size(), documented.size());
  }

  /** The first cell of every row of the table under "### Keys and defaults": backticked keys, {@code (a|b)} expanded. */
  static Set<String> documentedKeys(String readme) {
    int start = readme.indexOf("### Keys and defaults");
    assertTrue(start >= 0, "README has a key table");
    int end = readme.indexOf("\n## ", start);
    Set<String> keys = new TreeSet<>();
    for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      int cellEnd = line.replace("\\|", "\u0000\u0000").indexOf('|', 1); // an escaped pipe is not a cell border
      String firstCell = line.substring(1, cellEnd);
      Matcher key = Pattern.compile("`([^`]+)`").matcher(firstCell);
      while (key.find()) {
        keys.addAll(expand(key.group(1).replace("\\|", "|")));
      }
    }
    return keys;
  }

  private static List<String> expand(String key) {
    Matcher m = ALTERNATIVES.matcher(key);
    if (!m.find()) {
      return List.of(key);
    }
    List<String> out = new ArrayList<>();
    for (String alternative : m.group(1).split("\\|")) {
      out.addAll(expand(key.substring(0, m.start()) + alternative + key.substring(m.end())));
    }
    return out;
  }
}
