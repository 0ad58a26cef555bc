/**
 * The demo's web login pages (contract "Web login"): `WebLoginModule` answers /login, /callback,
 * /logout, /session; `/profile` needs a login (`LoginGuard`), `/security` a second factor
 * (`@StepUpLogin`); `/` links to them. `@Public()`: the
 * app-wide bearer guard does not apply to pages, and the API routes never read the session cookie.
 */
import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { LoginGuard, Public, StepUpLogin, type WebLoginState, WebUser } from '@auth/nest';
import { homePage, profilePage, SECURITY_ACR_VALUES, securityPage } from 'demo-support';

@Controller()
@Public()
export class WebPagesController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  home() {
    return homePage();
  }

  @Get('profile')
  @UseGuards(LoginGuard)
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async profile(@WebUser() user: WebLoginState) {
    await user.save(); // a refresh during this request is written back
    return profilePage(user.identity); // WebLoginModule's default paths
  }

  // Step-up: a password session is sent back through login with acr_values (the dev IdP asks again).
  @Get('security')
  @UseGuards(LoginGuard)
  @StepUpLogin({ acr: SECURITY_ACR_VALUES })
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async security(@WebUser() user: WebLoginState) {
    await user.save();
    return securityPage({ ...user.identity, claims: user.session.data.claims });
  }
}
