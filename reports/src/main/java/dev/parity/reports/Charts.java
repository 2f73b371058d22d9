package dev.parity.reports;

import dev.parity.oracles.ErrorBins;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Charts for the HTML reports, drawn by JFreeChart into SVG by JFreeSVG, so the page needs no
 * script library and no network. Each method returns an {@code <svg>} element whose texts are
 * {@code <text>} elements of at least {@link #TICK_PX} px, meant to be shown at the SVG's own size.
 */
public final class Charts {
    /** Smallest text of a chart, in SVG pixels: tick labels, legend, annotations. */
    public static final int TICK_PX = 12;
    /** Axis labels, in SVG pixels. */
    public static final int LABEL_PX = 13;

    private static final Color INK = new Color(0x33, 0x3a, 0x44);
    private static final Color BAD = new Color(0xc0, 0x39, 0x2b);
    private static final Color GOOD = new Color(0x27, 0xae, 0x60);
    private static final Color MUTED = new Color(0x2c, 0x6f, 0xbb);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, TICK_PX);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, LABEL_PX);

    static {
        // JFreeChart draws turned text (a vertical axis label) as glyph outlines by default, a
        // workaround for old raster bugs; in SVG that bloats the page and hides the text's size.
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private Charts() {}

    /**
     * Bars of absolute errors per power of two over a numeric axis of exponents, so its labels stay
     * horizontal and spaced ({@code 2^-20} every few bars); exactly equal elements, if any, are one
     * grey bar left of the others, labelled {@code = 0} above it.
     */
    public static String errorHistogram(ErrorBins bins, int width, int height) {
        XYSeries errors = new XYSeries("errors", true, false);
        for (int i = 0; i < bins.counts().size(); i++) {
            errors.add(bins.minLog2() + i + 0.5, bins.counts().get(i)); // the bar spans [2^k, 2^(k+1))
        }
        XYSeriesCollection ds = new XYSeriesCollection(errors);
        double zeroAt = bins.minLog2() - 1.5;
        if (bins.zeros() > 0) {
            XYSeries zeros = new XYSeries("exactly equal", true, false);
            zeros.add(zeroAt, bins.zeros());
            ds.addSeries(zeros);
        }
        ds.setIntervalWidth(0.9);
        JFreeChart chart = ChartFactory.createXYBarChart(null, null, false, "elements", ds, PlotOrientation.VERTICAL,
                false, false, false);
        XYPlot plot = chart.getXYPlot();
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, MUTED);
        r.setSeriesPaint(1, Color.GRAY);
        NumberAxis x = new NumberAxis("|onnx - torch|, one bar per power of two");
        TickUnits units = new TickUnits();
        for (int step : new int[] {1, 2, 4, 5, 10, 20, 50}) {
            units.add(new NumberTickUnit(step, new PowerOfTwoFormat()));
        }
        x.setStandardTickUnits(units);
        x.setAutoRangeIncludesZero(false);
        plot.setDomainAxis(x);
        if (bins.zeros() > 0) {
            XYTextAnnotation eq = new XYTextAnnotation("= 0", zeroAt, bins.zeros()); // above its bar
            eq.setTextAnchor(TextAnchor.BOTTOM_CENTER);
            plot.getRangeAxis().setUpperMargin(0.12);
            eq.setFont(TICK);
            eq.setPaint(INK);
            plot.addAnnotation(eq);
        }
        style(chart);
        return svg(chart, width, height);
    }

    /** Formats an exponent tick k as {@code 2^k}. */
    private static final class PowerOfTwoFormat extends NumberFormat {
        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            return to.append("2^").append(Math.round(number));
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            return to.append("2^").append(number);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("tick labels are only written");
        }
    }

    /** Scatter of sampled (torch, onnx) values with the diagonal y = x. */
    public static String scatter(List<double[]> sample, int width, int height) {
        XYSeries pts = new XYSeries("elements", false, true);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] p : sample) {
            pts.add(p[0], p[1]);
            lo = Math.min(lo, Math.min(p[0], p[1]));
            hi = Math.max(hi, Math.max(p[0], p[1]));
        }
        XYSeries diag = new XYSeries("onnx = torch");
        if (lo <= hi) {
            diag.add(lo, lo);
            diag.add(hi, hi);
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        ds.addSeries(pts);
        ds.addSeries(diag);
        JFreeChart chart = ChartFactory.createScatterPlot(null, "torch", "onnx", ds, PlotOrientation.VERTICAL, false,
                false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setSeriesLinesVisible(0, false);
        r.setSeriesShapesVisible(0, true);
        r.setSeriesPaint(0, BAD);
        r.setSeriesShape(0, new java.awt.geom.Rectangle2D.Double(-1.5, -1.5, 3, 3));
        r.setSeriesLinesVisible(1, true);
        r.setSeriesShapesVisible(1, false);
        r.setSeriesPaint(1, Color.GRAY);
        r.setSeriesStroke(1, new BasicStroke(1f));
        plot.setRenderer(r);
        style(chart);
        return svg(chart, width, height);
    }

    /**
     * log10 of the attribution ratio at each mapped module boundary, modules from top to bottom in
     * the order they finish, so their names read horizontally; the culprit stands out. The chart
     * grows taller with the number of boundaries ({@code height} is its least height).
     */
    public static String ratioAlongDepth(List<dev.parity.result.Localization.Boundary> bounds, int width, int height) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (var b : bounds) {
            if (b.mapped() && b.ratio() != null) {
                ds.addValue(Math.log10(Math.max(b.ratio(), 1e-3)), "log10 ratio", b.module());
            }
        }
        JFreeChart chart = ChartFactory.createLineChart(null, "module boundary", "log10(attribution ratio)", ds,
                PlotOrientation.HORIZONTAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getRenderer().setSeriesPaint(0, BAD);
        plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
        style(chart);
        return svg(chart, width, Math.max(height, 70 + 18 * ds.getColumnCount()));
    }

    /**
     * Lines of faithful and problem pair counts over the last runs, oldest first; a label's words
     * wrap onto a second line ({@code #12 11-27}) rather than turn.
     */
    public static String trend(List<String> labels, List<Integer> faithful, List<Integer> problems, int width, int height) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (int i = 0; i < labels.size(); i++) {
            ds.addValue(faithful.get(i), "faithful", labels.get(i));
            ds.addValue(problems.get(i), "not faithful", labels.get(i));
        }
        JFreeChart chart = ChartFactory.createLineChart(null, "run", "pairs", ds, PlotOrientation.VERTICAL, true, false,
                false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getRenderer().setSeriesPaint(0, GOOD);
        plot.getRenderer().setSeriesPaint(1, BAD);
        plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
        plot.getRenderer().setSeriesStroke(1, new BasicStroke(2f));
        plot.getDomainAxis().setMaximumCategoryLabelLines(2);
        style(chart);
        return svg(chart, width, height);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.getPlot().setBackgroundPaint(new Color(0xf7, 0xf8, 0xfa));
        chart.getPlot().setOutlineVisible(false);
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(TICK);
        }
        List<Axis> axes = new ArrayList<>();
        if (chart.getPlot() instanceof XYPlot p) {
            axes.add(p.getDomainAxis());
            axes.add(p.getRangeAxis());
        } else if (chart.getPlot() instanceof CategoryPlot p) {
            axes.add(p.getDomainAxis());
            axes.add(p.getRangeAxis());
        }
        for (Axis a : axes) {
            a.setLabelFont(LABEL);
            a.setLabelPaint(INK);
            a.setTickLabelFont(TICK);
            a.setTickLabelPaint(INK);
        }
    }

    static String oneDecimal(double v) {
        long tenths = Math.round(v * 10);
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : Double.toString(tenths / 10.0);
    }

    private static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        // Pixel-level precision is enough on screen and keeps the page small.
        g.setGeomDoubleConverter(Charts::oneDecimal);
        g.setTransformDoubleConverter(Charts::oneDecimal);
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGElement();
    }
}
