package org.patchbay.http.internal.whiteboard;

import java.util.HashSet;
import java.util.Set;

import org.osgi.service.servlet.runtime.dto.BaseServletDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;

/** What an HTTP runtime's DTOs say about servlet services. */
final class RuntimeServlets {

    private RuntimeServlets() {
    }

    /**
     * Service ids of the servlets the runtime accounts for in context {@code contextServiceId}: served there (by pattern
     * or as error page), or failed anywhere (a failure names no context when none matched).
     */
    static Set<Long> listed(RuntimeDTO dto, long contextServiceId) {
        Set<Long> ids = new HashSet<>();
        if (dto.servletContextDTOs != null) {
            for (ServletContextDTO c : dto.servletContextDTOs) {
                if (c.serviceId == contextServiceId) {
                    add(ids, c.servletDTOs);
                    add(ids, c.errorPageDTOs);
                }
            }
        }
        add(ids, dto.failedServletDTOs);
        add(ids, dto.failedErrorPageDTOs);
        return ids;
    }

    private static void add(Set<Long> ids, BaseServletDTO[] dtos) {
        if (dtos != null) {
            for (BaseServletDTO d : dtos) {
                ids.add(d.serviceId);
            }
        }
    }
}
