package org.patchbay.exotel.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.osgi.service.servlet.runtime.dto.FailedServletDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;

/** The health check's reading of the HTTP runtime: served, refused, or silently missing (the Felix drop). */
class ApiServedTest {

    @Test
    void servedInAnyContextIsFine() {
        assertNull(ExotelComponent.servletProblem(runtime(context(41, 42)), 42));
    }

    @Test
    void missingFromTheRuntimeIsNamed() {
        String problem = ExotelComponent.servletProblem(runtime(context(41)), 42);
        assertTrue(problem.contains("registered but the HTTP runtime does not serve it"), problem);
        assertTrue(ExotelComponent.servletProblem(new RuntimeDTO(), 42).contains("does not serve it"));
    }

    @Test
    void refusedSaysTheReason() {
        RuntimeDTO dto = runtime(context(41));
        FailedServletDTO failed = new FailedServletDTO();
        failed.serviceId = 42;
        failed.failureReason = 3;
        dto.failedServletDTOs = new FailedServletDTO[] {failed};
        String problem = ExotelComponent.servletProblem(dto, 42);
        assertTrue(problem.contains("refused its servlet (failure reason 3)"), problem);
    }

    private static RuntimeDTO runtime(ServletContextDTO... contexts) {
        RuntimeDTO dto = new RuntimeDTO();
        dto.servletContextDTOs = contexts;
        return dto;
    }

    private static ServletContextDTO context(long... servletIds) {
        ServletContextDTO c = new ServletContextDTO();
        c.servletDTOs = new ServletDTO[servletIds.length];
        for (int i = 0; i < servletIds.length; i++) {
            c.servletDTOs[i] = new ServletDTO();
            c.servletDTOs[i].serviceId = servletIds[i];
        }
        return c;
    }
}
