# Charts of bench/stress.py's samples for docs/benchmarks.md and the README.
# Usage (from the repository root, after bench/stress.py): gnuplot bench/stress.gnuplot
set terminal pngcairo size 800,420 font "DejaVu Sans,10"
set grid
set key bottom right box opaque
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set ylabel "server RSS (MiB)"
set y2label "open descriptors"

set output "docs/img/stress_stdio.png"
set title "awscli-mcp stdio: 100,000 hostile requests in one process"
set xlabel "answers"
set format x "%.0s%c"
plot "bench/out/stdio_soak.dat" using 1:($2/1024) with linespoints lw 2 title "RSS (MiB)", \
     "" using 1:3 axes x1y2 with linespoints lw 2 title "open descriptors"

set output "docs/img/stress_wrk.png"
set title "awscli-mcp serve under wrk: 64 connections, 60 s, tools/list"
set xlabel "seconds"
set format x "%g"
plot "bench/out/http_wrk.dat" using 1:($2/1024) with linespoints lw 2 title "RSS (MiB)", \
     "" using 1:3 axes x1y2 with linespoints lw 2 title "open descriptors (64 are wrk's)"
