/**
 * JMH benchmarks. Packages mirror the code they measure ({@code crypto}, {@code core}); run with
 * {@code java -jar benchmarks/target/benchmarks.jar -prof gc}. Results and the machine they were
 * measured on are recorded in {@code benchmarks/README.md}.
 */
package io.wgate.bench;
