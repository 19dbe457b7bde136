import com.adobe.epubcheck.tool.EpubChecker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * epubcheck on every file named, in one JVM (the tests' books: one Java start-up and one warm-up
 * instead of one per book). For each file: a line "\0<exit code>\t<file>", then its report.
 * Run as a single-file program: java -cp epubcheck.jar EpubcheckBatch.java a.epub b.epub
 */
public class EpubcheckBatch {
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out, err = System.err;
        for (String file : args) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(buf, true, "UTF-8");
            System.setOut(capture);
            System.setErr(capture);
            int code;
            try {
                code = new EpubChecker().run(new String[] {file});
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            out.println("\u0000" + code + "\t" + file);
            out.print(buf.toString("UTF-8"));
        }
    }
}
