package dev.parity.reports;

import java.util.Locale;

/** Small HTML helpers shared by the report pages. */
final class Html {
    private Html() {}

    static String esc(Object o) {
        if (o == null) {
            return "";
        }
        String s = o.toString();
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '&': sb.append("&amp;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }

    static String num(Double v) {
        return v == null ? "-" : ConsoleReport.num(v);
    }

    /** Start of a self-contained page: no network (the CSP forbids every load), inline CSS. */
    static StringBuilder page(String title) {
        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n");
        return sb;
    }

    static final String CSS = String.join("\n",
            "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#24292f;margin:0;background:#fff}",
            "main{max-width:1360px;margin:0 auto;padding:16px 24px}",
            "h1{font-size:24px;margin:0 0 4px}h1 small{font-weight:400;color:#57606a;font-size:16px}",
            "h2{font-size:19px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}",
            "h3{font-size:16px;margin:0 0 4px}h4{font-size:14px;margin:14px 0 4px}",
            ".runline,.sel{color:#57606a;margin:4px 0}",
            ".gate.pass b{color:#1a7f37}.gate.fail b{color:#cf222e}",
            "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0;color:#424a53}",
            "dl.meta dt{font-weight:600}dl.meta dd{margin:0}",
            ".tiles{display:flex;flex-wrap:wrap;gap:10px}",
            ".tiles{margin-top:12px}.tile{border-radius:8px;padding:6px 12px;min-width:110px;background:#f6f8fa;border:1px solid #d0d7de}",
            ".tile b{display:block;font-size:22px}.tile span{color:#57606a}",
            ".o-faithful{border-color:#2da44e}.o-faithful b{color:#1a7f37}",
            ".o-numeric-discrepancy b,.o-accuracy-discrepancy b,.o-shape-mismatch b,.o-regression b{color:#cf222e}",
            ".o-numeric-discrepancy,.o-accuracy-discrepancy,.o-shape-mismatch,.o-regression{border-color:#cf222e}",
            ".o-export-crash b,.o-checker-failure b,.o-load-failure b,.o-runtime-failure b,.o-newly-failing-export b{color:#9a6700}",
            ".o-export-crash,.o-checker-failure,.o-load-failure,.o-runtime-failure,.o-newly-failing-export{border-color:#bf8700}",
            "table{border-collapse:collapse;width:100%;font-size:13px}",
            "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}",
            "th{background:#f6f8fa;position:sticky;top:0;cursor:pointer;user-select:none;white-space:nowrap}",
            "th[aria-sort=ascending]::after{content:' \\25B2'}th[aria-sort=descending]::after{content:' \\25BC'}",
            "td.n{text-align:right;font-variant-numeric:tabular-nums}",
            "#pairs-table{line-height:1.25}#pairs-table td{padding:2px 8px;white-space:nowrap}#pairs-table .badge{padding:0 8px}",
            "#pairs-table td.why{max-width:0;width:30%;overflow:hidden;text-overflow:ellipsis;color:#57606a}",
            "#pairs-table tr.fails td:first-child{box-shadow:inset 3px 0 #cf222e}",
            ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#eaeef2}",
            ".badge.o-faithful{background:#dafbe1;color:#1a7f37}",
            ".badge.o-numeric-discrepancy,.badge.o-accuracy-discrepancy,.badge.o-shape-mismatch,.badge.o-regression{background:#ffebe9;color:#cf222e}",
            ".badge.o-export-crash,.badge.o-checker-failure,.badge.o-load-failure,.badge.o-runtime-failure,.badge.o-newly-failing-export{background:#fff8c5;color:#7d4e00}",
            ".controls{display:flex;gap:12px;margin:8px 0}.controls input,.controls select{padding:4px 8px;font:inherit}",
            "article{border:1px solid #d0d7de;border-radius:8px;padding:8px 14px;margin:8px 0}",
            "article.fails{border-left:4px solid #cf222e}",
            "h3 .configs{font-weight:400;font-size:14px;color:#424a53}h3 small{font-weight:400;color:#57606a}",
            "dl.why{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}",
            "dl.why dt{font-weight:600;color:#57606a}dl.why dd{margin:0;word-break:break-word}",
            "dl.why dd.msg{padding:2px 6px}",
            ".msg{font-family:ui-monospace,monospace;font-size:12px;background:#f6f8fa;padding:6px 8px;border-radius:6px;white-space:pre-wrap;word-break:break-word}",
            ".charts{display:flex;flex-wrap:wrap;gap:16px;margin-top:10px}.charts figure{margin:0}",
            ".charts figcaption{font-size:12px;color:#57606a}",
            "details summary{cursor:pointer;color:#0969da}",
            // closed, a finding's evidence summaries share a line; an open one takes the whole width
            ".ev{display:flex;flex-wrap:wrap;column-gap:28px}.ev details{flex:0 1 auto;min-width:0}.ev details[open]{flex-basis:100%}",
            "#shown{color:#57606a;align-self:center}",
            "footer{color:#57606a;font-size:12px;margin-top:40px}");

    /** Click-to-sort and filter for tables with class 'sortable'; no library. */
    static final String SCRIPT = String.join("\n",
            "document.querySelectorAll('table.sortable').forEach(function(t){",
            " t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){",
            "  var asc=th.getAttribute('aria-sort')!=='ascending';",
            "  t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort')});",
            "  th.setAttribute('aria-sort',asc?'ascending':'descending');",
            "  var rows=Array.prototype.slice.call(t.tBodies[0].rows);",
            "  rows.sort(function(a,b){var x=a.cells[i].getAttribute('data-v')||a.cells[i].textContent,",
            "   y=b.cells[i].getAttribute('data-v')||b.cells[i].textContent,nx=parseFloat(x),ny=parseFloat(y);",
            "   var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});",
            "  rows.forEach(function(r){t.tBodies[0].appendChild(r)});});});});",
            "var f=document.getElementById('filter'),o=document.getElementById('outcome-filter');",
            "function apply(){var q=(f&&f.value||'').toLowerCase(),w=o&&o.value||'',n=0,",
            " all=document.querySelectorAll('#pairs-table tbody tr');all.forEach(function(r){",
            "  var ok=r.textContent.toLowerCase().indexOf(q)>=0&&(!w||r.getAttribute('data-outcome')===w);",
            "  r.style.display=ok?'':'none';if(ok){n++}});",
            " var s=document.getElementById('shown');if(s){s.textContent=n+' of '+all.length+' pairs shown'}}",
            "if(f){f.addEventListener('input',apply)}if(o){o.addEventListener('change',apply)}apply();",
            // a link to a finding inside the closed block of known problems opens that block first
            "function reveal(){var h=decodeURIComponent(location.hash.slice(1)),e=h&&document.getElementById(h);",
            " for(var p=e;p;p=p.parentElement){if(p.tagName==='DETAILS'){p.open=true}}if(e){e.scrollIntoView()}}",
            "window.addEventListener('hashchange',reveal);reveal();");
}
