package dev.parity.reports;

import dev.parity.oracles.ErrorBins;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Charts for the HTML reports, drawn by JFreeChart into SVG by JFreeSVG, so the page needs no
 * script library and no network. Each method returns an {@code <svg>} element.
 */
public final class Charts {
    private static final Color INK = new Color(0x33, 0x3a, 0x44);
    private static final Color BAD = new Color(0xc0, 0x39, 0x2b);
    private static final Color GOOD = new Color(0x27, 0xae, 0x60);
    private static final Color MUTED = new Color(0x2c, 0x6f, 0xbb);

    private Charts() {}

    /** Bar chart of absolute errors per power of two. */
    public static String errorHistogram(ErrorBins bins, int width, int height) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        if (bins.zeros() > 0) {
            ds.addValue(bins.zeros(), "errors", "0");
        }
        for (int i = 0; i < bins.counts().size(); i++) {
            ds.addValue(bins.counts().get(i), "errors", "2^" + (bins.minLog2() + i));
        }
        JFreeChart chart = ChartFactory.createBarChart(null, "|onnx - torch| (power of two)", "elements", ds,
                PlotOrientation.VERTICAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setSeriesPaint(0, MUTED);
        r.setShadowVisible(false);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        style(chart);
        return svg(chart, width, height);
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

    /** log10 of the attribution ratio at each mapped module boundary, in order; the culprit stands out. */
    public static String ratioAlongDepth(List<dev.parity.result.Localization.Boundary> bounds, int width, int height) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (var b : bounds) {
            if (b.mapped() && b.ratio() != null) {
                ds.addValue(Math.log10(Math.max(b.ratio(), 1e-3)), "log10 ratio", b.module());
            }
        }
        JFreeChart chart = ChartFactory.createLineChart(null, "module boundary", "log10(attribution ratio)", ds,
                PlotOrientation.VERTICAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getRenderer().setSeriesPaint(0, BAD);
        plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        style(chart);
        return svg(chart, width, height);
    }

    /** Lines of faithful and problem pair counts over the last runs, oldest first. */
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
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        style(chart);
        return svg(chart, width, height);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.getPlot().setBackgroundPaint(new Color(0xf7, 0xf8, 0xfa));
        chart.getPlot().setOutlineVisible(false);
        Font f = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        if (chart.getPlot() instanceof XYPlot) {
            XYPlot p = (XYPlot) chart.getPlot();
            p.getDomainAxis().setLabelFont(f);
            p.getRangeAxis().setLabelFont(f);
            p.getDomainAxis().setLabelPaint(INK);
            p.getRangeAxis().setLabelPaint(INK);
        } else if (chart.getPlot() instanceof CategoryPlot) {
            CategoryPlot p = (CategoryPlot) chart.getPlot();
            p.getDomainAxis().setLabelFont(f);
            p.getRangeAxis().setLabelFont(f);
            p.getDomainAxis().setTickLabelFont(f.deriveFont(9f));
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
