import { Controller, Get, UseGuards } from '@nestjs/common';
import { Acr, DpopBound, Principal, ScopeGuard } from '@auth/nest';
import { PAYMENTS_ACR_VALUES, paymentsJson } from 'demo-support';

/**
 * `GET /payments` (contract: further demo routes): a DPoP-bound token with `acr` level 2 or above.
 * The RFC 9728 document is served by `protectedResourceMetadata` in create-app.ts.
 */
@Controller()
@UseGuards(ScopeGuard)
export class PaymentsController {
  @Get('payments')
  @DpopBound()
  @Acr(...PAYMENTS_ACR_VALUES)
  payments(@Principal() user: Principal) {
    return paymentsJson(user.subject);
  }
}
