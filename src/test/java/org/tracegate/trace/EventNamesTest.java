package org.tracegate.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventNamesTest {

    @Test
    void everyEventIsNamedByItsOwnConstant() throws Exception {
        List<String> names = new ArrayList<>();
        for (Class<?> type : TraceEvent.class.getPermittedSubclasses()) names.add(instance(type).name());
        assertThat(names).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(constants());
    }

    @Test
    void eachConstantIsItsOwnName() throws Exception {
        for (Field f : EventNames.class.getFields()) assertThat(f.get(null)).isEqualTo(f.getName());
    }

    private static List<String> constants() throws IllegalAccessException {
        List<String> out = new ArrayList<>();
        for (Field f : EventNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) out.add((String) f.get(null));
        }
        return out;
    }

    /** A record event with zero, false and null components: enough to ask its name. */
    private static TraceEvent instance(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = types[i] == int.class ? 0 : types[i] == long.class ? 0L : types[i] == boolean.class ? false : null;
        }
        Constructor<?> c = type.getDeclaredConstructor(types);
        return (TraceEvent) c.newInstance(args);
    }
}
