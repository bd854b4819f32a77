package dev.trellis.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A table of the legal moves between the states of an enum: what task and block state machines
 * consult before every move. States the table gives no row have no move out.
 */
public final class TransitionTable<S extends Enum<S>> {

    private final Map<S, Set<S>> allowed;

    private TransitionTable(Map<S, Set<S>> allowed) {
        this.allowed = allowed;
    }

    public static <S extends Enum<S>> Builder<S> of(Class<S> states) {
        return new Builder<>(states);
    }

    public boolean isAllowed(S from, S to) {
        return allowed.get(from).contains(to);
    }

    public Set<S> allowedFrom(S from) {
        return Collections.unmodifiableSet(allowed.get(from));
    }

    /** Collects the rows; a state without a row gets none. */
    public static final class Builder<S extends Enum<S>> {

        private final Class<S> states;
        private final Map<S, Set<S>> allowed;

        private Builder(Class<S> states) {
            this.states = states;
            this.allowed = new EnumMap<>(states);
        }

        @SafeVarargs
        public final Builder<S> allow(S from, S... to) {
            EnumSet<S> targets = EnumSet.noneOf(states);
            Collections.addAll(targets, to);
            allowed.put(from, targets);
            return this;
        }

        public TransitionTable<S> build() {
            for (S state : states.getEnumConstants()) {
                allowed.putIfAbsent(state, EnumSet.noneOf(states));
            }
            return new TransitionTable<>(allowed);
        }
    }
}
