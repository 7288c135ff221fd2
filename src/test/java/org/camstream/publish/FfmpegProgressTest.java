package org.camstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegProgressTest {

    @Test
    void eachBlockReportsTheFramesAndBytesSoFar() {
        List<FfmpegProgress.Report> reports = new ArrayList<>();
        FfmpegProgress progress = new FfmpegProgress(reports::add);
        for (String line : ("frame=0\nfps=0.0\nstream_0_0_q=-1.0\nbitrate=N/A\ntotal_size=N/A\nout_time_us=N/A\n"
                + "progress=continue\nframe=15\ntotal_size=48213\nbitrate= 771.4kbits/s\nprogress=continue\n"
                + "frame=N/A\ntotal_size=97000\nprogress=end\n").split("\n")) {
            progress.line(line);
        }
        assertEquals(List.of(new FfmpegProgress.Report(0, 0), new FfmpegProgress.Report(15, 48213),
                new FfmpegProgress.Report(15, 97000)), reports);
    }

    @Test
    void linesThatAreNotKeyValuePairsAreIgnored() {
        List<FfmpegProgress.Report> reports = new ArrayList<>();
        FfmpegProgress progress = new FfmpegProgress(reports::add);
        progress.line("");
        progress.line("garbage");
        progress.line("frame=x");
        assertEquals(List.of(), reports);
    }
}
