package io.asockio.config;

import org.junit.jupiter.api.Test;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The processor classes README and the guide show compile against the API as it is. */
class ReadmeSnippetsTest {

  private static final String IMPORTS = "import io.asockio.api.*;\nimport io.vertx.core.buffer.Buffer;\n"
      + "import io.vertx.core.file.OpenOptions;\n";
  private static final Pattern CLASS = Pattern.compile("(?m)^(public )?class (\\w+) extends InlineProcessor \\{\\n(.*?\\n)}\\n",
      Pattern.DOTALL);

  @Test
  void theProcessorsInReadmeCompile() throws IOException {
    assertTrue(compile("README.md") >= 1, "README shows Shouter");
  }

  @Test
  void theProcessorsInTheGuideCompile() throws IOException {
    assertTrue(compile("docs/GUIDE.md") >= 2, "docs/GUIDE.md shows Shouter and Archive");
  }

  // Compiles every InlineProcessor class the document shows; returns how many there were.
  private static int compile(String document) throws IOException {
    String text = Files.readString(Path.of(document));
    List<JavaFileObject> sources = new ArrayList<>();
    Matcher m = CLASS.matcher(text);
    while (m.find()) {
      String name = m.group(2);
      String code = IMPORTS + "public class " + name + " extends InlineProcessor {\n" + m.group(3) + "}\n";
      sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return code;
        }
      });
    }
    if (sources.isEmpty()) {
      return 0;
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path out = Files.createTempDirectory("readme-snippets");
    boolean ok = compiler.getTask(null, null, diagnostics, List.of("-d", out.toString(), "-classpath",
        System.getProperty("java.class.path"), "-proc:none"), null, sources).call();
    assertTrue(ok, "the processors shown in " + document + " do not compile: " + diagnostics.getDiagnostics());
    return sources.size();
  }
}
