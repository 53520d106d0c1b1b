package io.gearbox.asr.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vector operands of an alert's expression: what is left once its top-level comparisons ({@code ==},
 * {@code !=}, {@code >}, {@code <}, {@code >=}, {@code <=}) and set operators ({@code and}, {@code or},
 * {@code unless}, with their {@code bool}, {@code on}, {@code ignoring} and {@code group_*} modifiers) are taken
 * apart, parentheses around a whole operand removed, and number literals (thresholds such as {@code (14.4 * 0.05)})
 * dropped. An alert whose every operand returns series against live data can fire on that data once the thresholds
 * are crossed; the comparison itself legitimately returns nothing while all is well.
 *
 * <p>Hand-written because no Java library parses PromQL; this is only a scanner that respects parentheses, braces,
 * brackets and quoted strings, enough for the rules this repository ships. Arithmetic and aggregations stay inside
 * their operand.
 */
final class PromQlOperands {

    private static final Pattern MODIFIER = Pattern
        .compile("^(?:bool|on|ignoring|group_left|group_right)\\b\\s*(?:\\([^)]*\\))?\\s*");

    private static final Pattern NUMBER_EXPRESSION = Pattern.compile("[0-9.eE+\\-*/()\\s]*[0-9][0-9.eE+\\-*/()\\s]*");

    private static final String[] COMPARISONS = { "==", "!=", ">=", "<=", ">", "<" };

    private static final String[] SET_OPERATORS = { "and", "or", "unless" };

    private PromQlOperands() {
    }

    /**
     * @param expression a PromQL expression
     * @return its vector operands in order of appearance (the expression itself if it has no top-level comparison
     * or set operator)
     */
    static List<String> of(String expression) {
        List<String> operands = new ArrayList<>();
        collect(expression, operands);
        return operands;
    }

    private static void collect(String expression, List<String> operands) {
        String operand = withoutModifiers(expression.strip());
        if (wrapped(operand)) {
            collect(operand.substring(1, operand.length() - 1), operands);
            return;
        }
        List<String> parts = splitAtTopLevelOperators(operand);
        if (parts.size() > 1) {
            parts.forEach((part) -> collect(part, operands));
        }
        else if (!NUMBER_EXPRESSION.matcher(operand).matches()) {
            operands.add(operand);
        }
    }

    private static String withoutModifiers(String operand) {
        String rest = operand;
        for (Matcher modifier = MODIFIER.matcher(rest); modifier.find(); modifier = MODIFIER.matcher(rest)) {
            rest = rest.substring(modifier.end());
        }
        return rest;
    }

    /** Whether the whole operand is one parenthesised expression, {@code (a) and (b)} not being one. */
    private static boolean wrapped(String operand) {
        if (!operand.startsWith("(")) {
            return false;
        }
        int depth = 0;
        for (int i = 0; i < operand.length(); i = next(operand, i)) {
            char c = operand.charAt(i);
            if (c == '(') {
                depth++;
            }
            else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return i == operand.length() - 1;
                }
            }
        }
        return false;
    }

    private static List<String> splitAtTopLevelOperators(String expression) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            }
            else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
            else if (depth == 0) {
                int length = operatorAt(expression, i);
                if (length > 0) {
                    parts.add(expression.substring(start, i));
                    i += length;
                    start = i;
                    continue;
                }
            }
            i = next(expression, i);
        }
        parts.add(expression.substring(start));
        return parts;
    }

    /** The length of the comparison or set operator at {@code i}, or 0. */
    private static int operatorAt(String expression, int i) {
        for (String comparison : COMPARISONS) {
            if (expression.startsWith(comparison, i)) {
                return comparison.length();
            }
        }
        if (i > 0 && identifier(expression.charAt(i - 1))) {
            return 0;
        }
        for (String operator : SET_OPERATORS) {
            int end = i + operator.length();
            if (expression.startsWith(operator, i) && (end == expression.length() || !identifier(expression.charAt(end)))) {
                return operator.length();
            }
        }
        return 0;
    }

    /** The index after the character at {@code i}, skipping a whole quoted string when one starts there. */
    private static int next(String expression, int i) {
        char c = expression.charAt(i);
        if (c != '"' && c != '\'' && c != '`') {
            return i + 1;
        }
        int j = i + 1;
        while (j < expression.length() && expression.charAt(j) != c) {
            j += (expression.charAt(j) == '\\' && c != '`') ? 2 : 1;
        }
        return j + 1;
    }

    private static boolean identifier(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }

}
