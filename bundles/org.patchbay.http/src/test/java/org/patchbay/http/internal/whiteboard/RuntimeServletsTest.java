package org.patchbay.http.internal.whiteboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.service.servlet.runtime.dto.ErrorPageDTO;
import org.osgi.service.servlet.runtime.dto.FailedServletDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;

class RuntimeServletsTest {

    @Test
    void servedInTheContextOrFailedAnywhereCounts() {
        ServletContextDTO ours = context(7, servlet(101), servlet(102));
        ours.errorPageDTOs = new ErrorPageDTO[] {errorPage(103)};
        ServletContextDTO other = context(8, servlet(201));
        RuntimeDTO dto = new RuntimeDTO();
        dto.servletContextDTOs = new ServletContextDTO[] {ours, other};
        FailedServletDTO failed = new FailedServletDTO();
        failed.serviceId = 301;
        dto.failedServletDTOs = new FailedServletDTO[] {failed};

        assertEquals(Set.of(101L, 102L, 103L, 301L), RuntimeServlets.listed(dto, 7));
        assertEquals(Set.of(201L, 301L), RuntimeServlets.listed(dto, 8));
        assertEquals(Set.of(301L), RuntimeServlets.listed(dto, 9));
    }

    @Test
    void emptyRuntime() {
        assertEquals(Set.of(), RuntimeServlets.listed(new RuntimeDTO(), 7));
    }

    private static ServletContextDTO context(long id, ServletDTO... servlets) {
        ServletContextDTO c = new ServletContextDTO();
        c.serviceId = id;
        c.servletDTOs = servlets;
        return c;
    }

    private static ServletDTO servlet(long id) {
        ServletDTO s = new ServletDTO();
        s.serviceId = id;
        return s;
    }

    private static ErrorPageDTO errorPage(long id) {
        ErrorPageDTO e = new ErrorPageDTO();
        e.serviceId = id;
        return e;
    }
}
