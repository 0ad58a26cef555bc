/**
 * The demo's web login pages (contract "Web login"): `WebLoginModule` answers /login, /callback,
 * /logout, /session; `/profile` needs a login (`LoginGuard`); `/` links to them. `@Public()`: the
 * app-wide bearer guard does not apply to pages, and the API routes never read the session cookie.
 */
import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { LoginGuard, Public, type WebLoginState, WebUser } from '@auth/nest';
import { homePage, profilePage } from 'demo-support';

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
}
