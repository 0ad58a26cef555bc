/** `GET /documents/:id` and `DELETE /documents/:id`, decided by the AuthZEN decision point (docs/contract.md). */
import {
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  type Type,
  UseGuards,
} from '@nestjs/common';
import { Authorize, ScopeGuard } from '@auth/nest';
import { documentsPolicy, findDocument } from 'demo-support';

/** The documents controller for the decision point at `pdp`; none without one. */
export function documentControllers(pdp: string | undefined): Type[] {
  if (!pdp) return [];
  const documents = documentsPolicy(pdp);

  @Controller('documents')
  @UseGuards(ScopeGuard)
  class DocumentsController {
    @Get(':id')
    @Authorize(documents)
    read(@Param('id') id: string) {
      const doc = findDocument(id);
      if (!doc) throw new NotFoundException({ status: 404, code: 'ERR_NOT_FOUND', message: 'Not found' });
      return doc;
    }

    @Delete(':id')
    @HttpCode(204)
    @Authorize(documents)
    remove() {}
  }
  return [DocumentsController];
}
