package dev.trellis.worker.app;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Java apps every worker has:
 * <ul>
 *   <li>{@code echo@1} returns {@code args.value}: the no-op task benchmarks measure overhead with;
 *   <li>{@code sum@1} adds the numbers in {@code args.values}, or else the integers in the input
 *       files, one per line (the seed's {@code total} app);
 *   <li>{@code sleep@1} sleeps {@code args.millis} milliseconds and returns them.
 * </ul>
 */
public final class BuiltinJavaApps {

    private BuiltinJavaApps() {
    }

    public static JavaAppRegistry registerInto(JavaAppRegistry registry) {
        return registry
                .register("echo", "1", call -> call.requiredArg("value"))
                .register("sum", "1", BuiltinJavaApps::sum)
                .register("sleep", "1", BuiltinJavaApps::sleep);
    }

    private static Number sum(JavaAppCall call) throws IOException {
        List<Number> numbers = call.args().containsKey("values") ? numbersIn(call.args().get("values")) : integersIn(call.inputs());
        boolean integral = numbers.stream().allMatch(n -> n instanceof Integer || n instanceof Long || n instanceof BigInteger);
        if (integral) {
            BigInteger total = numbers.stream().map(n -> new BigInteger(n.toString())).reduce(BigInteger.ZERO, BigInteger::add);
            return total.bitLength() < Long.SIZE ? total.longValueExact() : total;
        }
        return numbers.stream().map(n -> new BigDecimal(n.toString())).reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue();
    }

    private static List<Number> numbersIn(Object values) {
        if (!(values instanceof List<?> list)) {
            throw new IllegalArgumentException("args.values must be a list of numbers, not " + values);
        }
        List<Number> numbers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Number number)) {
                throw new IllegalArgumentException("args.values[" + i + "] is not a number: " + list.get(i));
            }
            numbers.add(number);
        }
        return numbers;
    }

    private static List<Number> integersIn(List<Path> files) throws IOException {
        List<Number> numbers = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    numbers.add(new BigInteger(line));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + " is not an integer: " + line);
                }
            }
        }
        return numbers;
    }

    private static long sleep(JavaAppCall call) throws InterruptedException {
        if (!(call.requiredArg("millis") instanceof Number millis)) {
            throw new IllegalArgumentException("args.millis must be a number of milliseconds");
        }
        Thread.sleep(millis.longValue());
        return millis.longValue();
    }
}
